namespace OpenApim.Gateway.Policies;

/// <summary><c>return-response</c> and <c>mock-response</c>: answer without (or instead of) the backend.</summary>
internal sealed class ReturnResponseStep(int status, string? reason, string? contentType, (string Name, string Action, Func<GatewayContext, string>[] Values)[] headers, string? body) : SyncStep
{
    protected override GatewayResponse? Run(GatewayContext c)
    {
        var response = new GatewayResponse { Status = status, Reason = reason, ContentType = contentType, Body = body };
        foreach (var (name, action, values) in headers)
        {
            if (action != "delete")
            {
                response.Headers[name] = [.. values.Select(v => v(c))];
            }
        }

        return response;
    }
}
