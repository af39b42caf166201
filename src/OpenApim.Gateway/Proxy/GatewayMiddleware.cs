using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using OpenApim.Gateway.Configuration;
using OpenApim.Gateway.Policies;
using OpenApim.Gateway.Routing;
using OpenApim.Gateway.Runtime;
using OpenApim.Gateway.Telemetry;
using OpenApim.Gateway.Usage;
using Yarp.ReverseProxy.Forwarder;

namespace OpenApim.Gateway.Proxy;

/// <summary>
/// Serves a gateway request: service by host, API by path and version, operation by method and
/// template, subscription key, inbound and backend policies, then YARP's forwarder (outbound policies
/// run on the way back), and a usage record at the end.
/// </summary>
internal sealed class GatewayMiddleware(GatewayState state, PolicyCompiler compiler, IHttpForwarder forwarder, UsageRecorder usage, GatewayMetrics metrics, GatewayOptions options, TimeProvider time) : IDisposable
{
    private readonly HttpMessageInvoker _client = new(new SocketsHttpHandler
    {
        UseProxy = false,
        AllowAutoRedirect = false,
        AutomaticDecompression = DecompressionMethods.None,
        UseCookies = false,
        EnableMultipleHttp2Connections = true,
        ConnectTimeout = TimeSpan.FromSeconds(15),
        ActivityHeadersPropagator = null,
    });

    /// <summary>The forwarder's settings for a request whose policies left the timeout alone (immutable, so shared).</summary>
    private readonly ForwarderRequestConfig _defaultConfig = new() { ActivityTimeout = options.BackendTimeout };

    public void Dispose() => _client.Dispose();

    public async Task InvokeAsync(HttpContext http)
    {
        var started = time.GetTimestamp();
        var request = http.Request;

        // The gateway's own duration histogram covers its requests (with service and API); ASP.NET Core's would count them twice.
        if (http.Features.Get<IHttpMetricsTagsFeature>() is { } hostingMetrics)
        {
            hostingMetrics.MetricsDisabled = true;
        }

        ServerCookies.Shield(http);
        if (RequestPath.Problem(http) is { } problem)
        {
            await UnroutedAsync(http, null, problem == "too long" ? GatewayResponses.UriTooLong() : GatewayResponses.BadPath(problem), started);
            return;
        }

        var service = state.FindByHost(request.Host.Host);
        var match = service is null ? null : RequestMatcher.MatchApi(service, request);
        if (service is null || match is null)
        {
            await UnroutedAsync(http, service, GatewayResponses.NotFound(), started);
            return;
        }

        var (api, rest) = match.Value;
        var preflight = HttpMethods.IsOptions(request.Method) && request.Headers.ContainsKey("Access-Control-Request-Method") && request.Headers.ContainsKey("Origin");
        var method = preflight ? request.Headers["Access-Control-Request-Method"].ToString().ToUpperInvariant() : request.Method;
        var operation = RequestMatcher.MatchOperation(api, rest, method);
        if (operation is null)
        {
            await UnroutedAsync(http, service, GatewayResponses.NotFound(), started);
            return;
        }

        var context = new GatewayContext(http, service, api, operation) { BackendUrl = api.ServiceUrl, BackendPath = RequestPath.Encode(rest), Timeout = options.BackendTimeout, OperationPath = rest };
        var blocked = false;
        double serviceMs = 0;
        try
        {
            // A CORS preflight carries no subscription key: the cors policy answers it before keys are checked.
            if (preflight && await RunAsync([.. compiler.For(service, api, operation, null).Inbound.OfType<CorsStep>()], context) is { } preflightAnswer)
            {
                await GatewayResponses.WriteAsync(http, context, preflightAnswer);
                return;
            }

            if (Authorize(context, time.GetUtcNow()) is { } denied)
            {
                blocked = true;
                context.Rejection = denied.ErrorSource;
                await GatewayResponses.WriteAsync(http, null, denied);
                return;
            }

            var pipeline = compiler.For(service, api, operation, context.Product);
            var answered = await RunAsync(pipeline.Inbound, context) ?? await RunAsync(pipeline.Backend, context);
            if (answered is not null)
            {
                blocked = answered.IsError;
                await RespondAsync(context, pipeline, answered);
                return;
            }

            if (context.BackendUrl is not { Length: > 0 } backendUrl)
            {
                await RespondAsync(context, pipeline, GatewayResponses.NoBackend());
                return;
            }

            if (BackendTarget.Build(backendUrl, context) is not { } target)
            {
                await RespondAsync(context, pipeline, GatewayResponses.BadPath("the backend URL it leads to is outside the API's service URL"));
                return;
            }

            var forwarding = time.GetTimestamp();
            var config = context.Timeout == _defaultConfig.ActivityTimeout ? _defaultConfig : new ForwarderRequestConfig { ActivityTimeout = context.Timeout };
            var error = await forwarder.SendAsync(http, backendUrl, _client, config, new GatewayTransformer(context, pipeline, target));
            serviceMs = time.GetElapsedTime(forwarding).TotalMilliseconds;
            if (context.ReplacedResponse is { } replaced)
            {
                await GatewayResponses.WriteAsync(http, context, replaced);
            }
            else if (error != ForwarderError.None && !http.Response.HasStarted)
            {
                await RespondAsync(context, pipeline, GatewayResponses.BackendFailed(error == ForwarderError.RequestTimedOut ? 504 : 502));
            }
        }
        finally
        {
            var elapsed = time.GetElapsedTime(started);
            metrics.Request(service.Name, api.Name, request.Method, http.Response.StatusCode, elapsed);
            if (context.Rejection is { } rejection)
            {
                metrics.Rejected(service.Name, rejection, http.Response.StatusCode);
            }

            usage.Record(service.Key, api.Name, operation.Name, context.Product?.Name, context.Subscription?.Name, context.Subscription?.UserId,
                http.Response.StatusCode, blocked, (request.ContentLength ?? 0) + (http.Response.ContentLength ?? 0),
                elapsed.TotalMilliseconds, serviceMs);
        }
    }

    /// <summary>Answers a request that reached no operation (no usage record: it belongs to no API).</summary>
    private async Task UnroutedAsync(HttpContext http, ServiceRuntime? service, GatewayResponse response, long started)
    {
        await GatewayResponses.WriteAsync(http, null, response);
        metrics.Request(service?.Name, null, http.Request.Method, response.Status, time.GetElapsedTime(started));
        metrics.Rejected(service?.Name, response.ErrorSource ?? "routing", response.Status);
    }

    /// <summary>Checks the subscription key: present when required, known, active, unexpired, and covering this API.</summary>
    private static GatewayResponse? Authorize(GatewayContext context, DateTimeOffset now)
    {
        var (http, service, api) = (context.Http, context.Service, context.Api);
        var key = http.Request.Headers[api.KeyHeader].ToString();
        // The query is parsed only when there is one (parsing allocates its collection).
        var inQuery = http.Request.QueryString.HasValue && http.Request.Query.ContainsKey(api.KeyQuery);
        if (key.Length == 0 && inQuery)
        {
            key = http.Request.Query[api.KeyQuery].ToString();
        }

        if (key.Length == 0)
        {
            if (!api.SubscriptionRequired)
            {
                return null;
            }

            var open = OpenProduct(api);
            if (open is null)
            {
                return GatewayResponses.MissingKey();
            }

            context.Product = open;
            return null;
        }

        if (!service.Keys.TryGetValue(key, out var subscription) || subscription.State != "active"
            || subscription.ExpiresAt <= now
            || (subscription.UserId is { } user && service.UserStates.TryGetValue(user, out var userState) && userState != "active"))
        {
            return GatewayResponses.InvalidKey();
        }

        switch (subscription.ScopeKind)
        {
            case "all":
                break;
            case "api" when string.Equals(subscription.ScopeTarget, api.ApiId, StringComparison.OrdinalIgnoreCase):
                break;
            case "product" when ProductNamed(api, subscription.ScopeTarget) is { } product:
                context.Product = product;
                break;
            default:
                return GatewayResponses.InvalidKey();
        }

        context.Subscription = subscription;

        // The key is the gateway's business, not the backend's: it leaves by neither route, whichever carried it.
        http.Request.Headers.Remove(api.KeyHeader);
        if (inQuery)
        {
            var query = QueryHelpers.ParseQuery(http.Request.QueryString.Value);
            query.Remove(api.KeyQuery);
            http.Request.QueryString = QueryString.Create(query.SelectMany(kv => kv.Value.Select(v => KeyValuePair.Create(kv.Key, v))));
        }

        return null;
    }

    // Indexed loops: these run on every request, and LINQ or foreach over the interface allocates an enumerator (and a closure).
    private static ProductRuntime? OpenProduct(ApiRuntime api)
    {
        for (var i = 0; i < api.Products.Count; i++)
        {
            if (!api.Products[i].SubscriptionRequired)
            {
                return api.Products[i];
            }
        }

        return null;
    }

    private static ProductRuntime? ProductNamed(ApiRuntime api, string? name)
    {
        for (var i = 0; i < api.Products.Count; i++)
        {
            if (string.Equals(api.Products[i].Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return api.Products[i];
            }
        }

        return null;
    }

    private static async ValueTask<GatewayResponse?> RunAsync(IPolicyStep[] steps, GatewayContext context)
    {
        foreach (var step in steps)
        {
            if (await step.RunAsync(context) is { } response)
            {
                return response;
            }
        }

        return null;
    }

    /// <summary>Answers without the backend; an error first goes through the on-error section, which may replace it.</summary>
    private static async Task RespondAsync(GatewayContext context, CompiledPipeline pipeline, GatewayResponse response)
    {
        if (response.IsError)
        {
            context.Rejection = response.ErrorSource ?? "policy";
            response = await RunAsync(pipeline.OnError, context) ?? response;
        }

        await GatewayResponses.WriteAsync(context.Http, context, response);
    }
}
