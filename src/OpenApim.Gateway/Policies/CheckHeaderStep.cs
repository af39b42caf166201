namespace OpenApim.Gateway.Policies;

/// <summary><c>check-header</c>: the request must carry the header, with one of the listed values when any are listed.</summary>
internal sealed class CheckHeaderStep(string name, int failedStatus, string failedMessage, bool ignoreCase, string[] values) : SyncStep
{
    protected override GatewayResponse? Run(GatewayContext c)
    {
        var comparison = ignoreCase ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal;
        if (c.Http.Request.Headers.TryGetValue(name, out var actual) && actual.Count > 0
            && (values.Length == 0 || actual.Any(a => values.Contains(a, comparison))))
        {
            return null;
        }

        return GatewayResponse.Error(failedStatus, failedMessage, "check-header");
    }
}
