using Microsoft.AspNetCore.Http;
using OpenApim.Gateway.Policies;
using Yarp.ReverseProxy.Forwarder;

namespace OpenApim.Gateway.Proxy;

/// <summary>
/// Shapes the request YARP sends to the backend (URL, method, backend credentials, forwarded headers)
/// and runs the outbound policies on the backend's response before it is copied to the client.
/// </summary>
internal sealed class GatewayTransformer(GatewayContext context, CompiledPipeline pipeline, Uri target) : HttpTransformer
{
    /// <summary>Tokens of a Connection header that are options, not names of hop-by-hop headers.</summary>
    private static readonly HashSet<string> ConnectionOptions = new(StringComparer.OrdinalIgnoreCase) { "close", "keep-alive", "upgrade" };

    public override async ValueTask TransformRequestAsync(HttpContext http, HttpRequestMessage proxyRequest, string destinationPrefix, CancellationToken cancellationToken)
    {
        await base.TransformRequestAsync(http, proxyRequest, destinationPrefix, cancellationToken);
        proxyRequest.RequestUri = target;

        // RFC 9110 7.6.1: headers the Connection header names are for this hop only.
        var connection = http.Request.Headers.Connection;
        if (connection.Count > 0)
        {
            foreach (var name in HopHeaders(connection))
            {
                proxyRequest.Headers.Remove(name);
                proxyRequest.Content?.Headers.Remove(name);
            }
        }

        if (context.Method is { } method)
        {
            proxyRequest.Method = new HttpMethod(method);
        }

        // Forwarded headers are appended, never trusted blindly: the backend sees the whole chain.
        var client = http.Connection.RemoteIpAddress?.ToString();
        if (client is not null)
        {
            var chain = http.Request.Headers["X-Forwarded-For"].ToString();
            Replace(http, proxyRequest, "X-Forwarded-For", chain.Length == 0 ? client : $"{chain}, {client}");
        }

        Replace(http, proxyRequest, "X-Forwarded-Proto", http.Request.Scheme);
        Replace(http, proxyRequest, "X-Forwarded-Host", http.Request.Host.Value);

        if (context.Backend is { } backend)
        {
            foreach (var (name, values) in backend.Headers)
            {
                proxyRequest.Headers.Remove(name);
                proxyRequest.Headers.TryAddWithoutValidation(name, values);
            }

            if (backend.Authorization is { Length: > 0 } authorization)
            {
                proxyRequest.Headers.Remove("Authorization");
                proxyRequest.Headers.TryAddWithoutValidation("Authorization", authorization);
            }
        }
    }

    public override async ValueTask<bool> TransformResponseAsync(HttpContext http, HttpResponseMessage? proxyResponse, CancellationToken cancellationToken)
    {
        var copyBody = await base.TransformResponseAsync(http, proxyResponse, cancellationToken);
        if (proxyResponse is null)
        {
            return copyBody;
        }

        if (proxyResponse.Headers.NonValidated.TryGetValues("Connection", out var connection))
        {
            foreach (var name in HopHeaders(connection))
            {
                http.Response.Headers.Remove(name);
            }
        }

        foreach (var step in pipeline.Outbound)
        {
            if (await step.RunAsync(context) is { } replacement)
            {
                context.ReplacedResponse = replacement;
                http.Response.Headers.ContentLength = null;
                http.Response.Headers.ContentType = default;
                return false;
            }
        }

        GatewayResponses.ApplyHeaders(context, http.Response);
        return copyBody;
    }

    /// <summary>Sets a header the gateway owns; the copy of the client's (made by the base transform) goes first, when there was one.</summary>
    private static void Replace(HttpContext http, HttpRequestMessage proxyRequest, string name, string? value)
    {
        if (http.Request.Headers.ContainsKey(name))
        {
            proxyRequest.Headers.Remove(name);
        }

        proxyRequest.Headers.TryAddWithoutValidation(name, value);
    }

    private static IEnumerable<string> HopHeaders(IEnumerable<string?> connection) =>
        connection.SelectMany(v => (v ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Where(token => !ConnectionOptions.Contains(token));
}
