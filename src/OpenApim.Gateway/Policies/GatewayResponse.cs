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
