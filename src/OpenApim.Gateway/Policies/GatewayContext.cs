using Microsoft.AspNetCore.Http;
using OpenApim.Gateway.Runtime;

namespace OpenApim.Gateway.Policies;

/// <summary>Everything a request's policies read and change on its way through the gateway.</summary>
internal sealed class GatewayContext(HttpContext http, ServiceRuntime service, ApiRuntime api, OperationRuntime operation)
{
    public HttpContext Http { get; } = http;

    public ServiceRuntime Service { get; } = service;

    public ApiRuntime Api { get; } = api;

    public OperationRuntime Operation { get; } = operation;

    public SubscriptionRuntime? Subscription { get; set; }

    public ProductRuntime? Product { get; set; }

    /// <summary>The request's id for policies (<c>context.RequestId</c>), minted when one first asks.</summary>
    public string RequestId => field ??= Guid.NewGuid().ToString();

    /// <summary>The path below the API (and its version) that matched the operation's template.</summary>
    public required string OperationPath { get; init; }

    /// <summary>The operation's template parameters (from the URL), read out of <see cref="OperationPath"/> when a policy first asks.</summary>
    public IReadOnlyDictionary<string, string> TemplateValues => field ??= Operation.Template.Values(OperationPath);

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

    /// <summary>When the gateway answered with its own error: the policy or step that raised it (the rejection's reason in the metrics).</summary>
    public string? Rejection { get; set; }

    public string ClientIp => Http.Connection.RemoteIpAddress?.ToString() ?? "";
}
