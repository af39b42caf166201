using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using OpenApim.Gateway.Policies;

namespace OpenApim.Gateway.Proxy;

/// <summary>The gateway's own answers (Azure API Management's wording) and how responses get their policy headers.</summary>
internal static class GatewayResponses
{
    // The most frequent answers are built once: a rejected request costs no serialization.
    private static readonly GatewayResponse NotFoundResponse = GatewayResponse.Error(404, "Resource not found", "routing");

    private static readonly GatewayResponse MissingKeyResponse = GatewayResponse.Error(401,
        "Access denied due to missing subscription key. Make sure to include subscription key when making requests to an API.", "authorization",
        ("WWW-Authenticate", "AzureApiManagementKey realm=\"OpenApim\",name=\"Ocp-Apim-Subscription-Key\",type=\"header\""));

    private static readonly GatewayResponse InvalidKeyResponse = GatewayResponse.Error(401,
        "Access denied due to invalid subscription key. Make sure to provide a valid key for an active subscription.", "authorization",
        ("WWW-Authenticate", "AzureApiManagementKey realm=\"OpenApim\",name=\"Ocp-Apim-Subscription-Key\",type=\"header\""));

    private static readonly GatewayResponse UriTooLongResponse = GatewayResponse.Error(414, "The request URI is too long.", "routing");

    public static GatewayResponse NotFound() => NotFoundResponse;

    public static GatewayResponse UriTooLong() => UriTooLongResponse;

    public static GatewayResponse BadPath(string why) => GatewayResponse.Error(400, $"The request path cannot be routed: {why}.", "routing");

    public static GatewayResponse MissingKey() => MissingKeyResponse;

    public static GatewayResponse InvalidKey() => InvalidKeyResponse;

    public static GatewayResponse BackendFailed(int status) => GatewayResponse.Error(status,
        status == 504 ? "The backend did not answer in time." : "The backend could not be reached.", "forward-request");

    public static GatewayResponse NoBackend() => GatewayResponse.Error(500, "The API has no backend: set its serviceUrl or use set-backend-service.", "forward-request");

    /// <summary>Applies the status and header changes policies asked for to a response that has not started.</summary>
    public static void ApplyHeaders(GatewayContext context, HttpResponse response)
    {
        foreach (var (name, value, action) in context.ResponseHeaders)
        {
            if (name == ":status")
            {
                response.StatusCode = int.Parse(value!, CultureInfo.InvariantCulture);
                if (action.Length > 0)
                {
                    response.HttpContext.Features.Get<IHttpResponseFeature>()!.ReasonPhrase = action;
                }

                continue;
            }

            switch (action)
            {
                case "delete":
                    response.Headers.Remove(name);
                    break;
                case "skip" when response.Headers.ContainsKey(name):
                    break;
                case "append":
                    response.Headers.Append(name, value);
                    break;
                default:
                    response.Headers[name] = value;
                    break;
            }
        }
    }

    public static async Task WriteAsync(HttpContext http, GatewayContext? context, GatewayResponse response)
    {
        var r = http.Response;
        r.StatusCode = response.Status;
        if (response.Reason is not null)
        {
            http.Features.Get<IHttpResponseFeature>()!.ReasonPhrase = response.Reason;
        }

        foreach (var (name, values) in response.Headers)
        {
            r.Headers[name] = values.Count == 1 ? values[0] : values.ToArray();
        }

        if (response.ContentType is not null)
        {
            r.ContentType = response.ContentType;
        }

        if (context is not null)
        {
            ApplyHeaders(context, r);
        }

        if (response.Utf8Body is { } body)
        {
            r.ContentLength = body.Length;
            if (!HttpMethods.IsHead(http.Request.Method))
            {
                await r.Body.WriteAsync(body, http.RequestAborted);
            }
        }
    }
}
