using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using OpenApim.Resources.Arm;

namespace OpenApim.Http;

/// <summary>
/// Gives every response an <c>x-ms-request-id</c> (echoing <c>x-ms-client-request-id</c> when asked)
/// and turns exceptions into the ARM error envelope. Unexpected exceptions are logged with the
/// request id and answered with a generic 500 that leaks nothing.
/// </summary>
public static partial class ArmErrorHandling
{
    public static IApplicationBuilder UseArmErrors(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var requestId = Guid.NewGuid().ToString();
        context.TraceIdentifier = requestId;
        context.Response.Headers["x-ms-request-id"] = requestId;
        context.Response.Headers["x-ms-correlation-request-id"] = requestId;
        if (context.Request.Headers.TryGetValue("x-ms-client-request-id", out var clientId)
            && string.Equals(context.Request.Headers["x-ms-return-client-request-id"], "true", StringComparison.OrdinalIgnoreCase))
        {
            context.Response.Headers["x-ms-client-request-id"] = clientId;
        }

        try
        {
            await next(context);
        }
        catch (Exception e) when (!context.Response.HasStarted && Translate(e, context) is { } arm)
        {
            context.Response.Clear();
            context.Response.Headers["x-ms-request-id"] = requestId;
            await context.Response.ErrorAsync(arm);
        }
    });

    private static ArmException? Translate(Exception e, HttpContext context)
    {
        switch (e)
        {
            case ArmException arm:
                return arm;
            case BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge }:
                return ArmErrors.RequestTooLarge(context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize ?? 0);
            case BadHttpRequestException bad:
                return ArmErrors.InvalidRequestContent(bad.Message);
            case OperationCanceledException when context.RequestAborted.IsCancellationRequested:
                return null;
            default:
                var logger = context.RequestServices.GetService(typeof(ILoggerFactory)) is ILoggerFactory f ? f.CreateLogger("OpenApim.Http") : null;
                if (logger is not null)
                {
                    LogUnexpected(logger, e, context.Request.Method, context.Request.Path, context.TraceIdentifier);
                }

                return ArmErrors.Internal(context.TraceIdentifier);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Unexpected error in {Method} {Path} (request {RequestId})")]
    private static partial void LogUnexpected(ILogger logger, Exception e, string method, string path, string requestId);
}
