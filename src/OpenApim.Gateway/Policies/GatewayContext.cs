using Microsoft.AspNetCore.Http;
using OpenApim.Gateway.Runtime;

namespace OpenApim.Gateway.Policies;

/// <summary>A response a policy (or the gateway) answers with instead of the backend's.</summary>
internal sealed class GatewayResponse
{
    public int Status { get; set; } = 200;

    public string? Reason { get; set; }

    public string? ContentType { get; set; }

    public string? Body { get; set; }

    /// <summary>The body as UTF-8, encoded once (the gateway's own answers are reused for every request).</summary>
    public byte[]? Utf8Body => Body is null ? null : _utf8 ??= System.Text.Encoding.UTF8.GetBytes(Body);

    private byte[]? _utf8;

    public Dictionary<string, List<string>> Headers { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>True when the response reports an error (the on-error section runs before it is sent).</summary>
    public bool IsError { get; init; }

    /// <summary>The policy or step that raised the error (API Management's <c>context.LastError.Source</c>).</summary>
    public string? ErrorSource { get; init; }

    public static GatewayResponse Error(int status, string message, string source, params (string Name, string Value)[] headers)
    {
        var response = new GatewayResponse
        {
            Status = status,
            ContentType = "application/json",
            Body = System.Text.Json.JsonSerializer.Serialize(new { statusCode = status, message }),
            IsError = true,
            ErrorSource = source,
        };
        foreach (var (name, value) in headers)
        {
            response.Headers[name] = [value];
        }

        return response;
    }
}

/// <summary>Everything a request's policies read and change on its way through the gateway.</summary>
internal sealed class GatewayContext(HttpContext http, ServiceRuntime service, ApiRuntime api, OperationRuntime operation)
{
    public HttpContext Http { get; } = http;

    public ServiceRuntime Service { get; } = service;

    public ApiRuntime Api { get; } = api;

    public OperationRuntime Operation { get; } = operation;

    public SubscriptionRuntime? Subscription { get; set; }

    public ProductRuntime? Product { get; set; }

    public string RequestId { get; } = Guid.NewGuid().ToString();

    /// <summary>The operation's template parameters (from the URL).</summary>
    public required Dictionary<string, string> TemplateValues { get; init; }

    /// <summary>The backend's base URL: the API's service URL unless a policy chose another.</summary>
    public string? BackendUrl { get; set; }

    /// <summary>The backend entity chosen by <c>set-backend-service backend-id</c>, whose credentials are applied.</summary>
    public BackendRuntime? Backend { get; set; }

    /// <summary>The path (and query) sent to the backend below its base URL.</summary>
    public string BackendPath { get; set; } = "";

    public string? Method { get; set; }

    public TimeSpan? Timeout { get; set; }

    /// <summary>Response headers that policies set (CORS, outbound set-header) before the response starts.</summary>
    public List<(string Name, string? Value, string Action)> ResponseHeaders { get; } = [];

    /// <summary>An outbound policy's replacement of the backend's response.</summary>
    public GatewayResponse? ReplacedResponse { get; set; }

    public string ClientIp => Http.Connection.RemoteIpAddress?.ToString() ?? "";
}
