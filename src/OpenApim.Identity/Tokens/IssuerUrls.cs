using OpenApim.Resources.Hosting;

namespace OpenApim.Identity.Tokens;

/// <summary>
/// The URLs this issuer answers under and the audiences its tokens may carry. A client may reach the
/// server as <c>https://127.0.0.1:port</c>, <c>https://localhost:port</c> or the configured public URL;
/// each is a valid issuer base and a valid audience, as are the Azure Resource Manager audiences.
/// </summary>
internal sealed class IssuerUrls(Deployment deployment)
{
    private static readonly string[] ArmAudiences = ["https://management.azure.com", "https://management.core.windows.net"];

    public string TenantId => deployment.TenantId;

    /// <summary>Base URLs (no trailing slash) this server is known by.</summary>
    public IReadOnlyList<string> BaseUrls
    {
        get
        {
            var management = new Uri(deployment.ManagementUrl);
            return new[]
            {
                deployment.ManagementUrl.TrimEnd('/'),
                $"https://localhost:{management.Port}",
                $"https://127.0.0.1:{management.Port}",
            }.Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        }
    }

    public string Issuer(string baseUrl) => $"{baseUrl.TrimEnd('/')}/{deployment.TenantId}/v2.0";

    public bool IsValidIssuer(string issuer) =>
        BaseUrls.Any(b => string.Equals(Issuer(b), issuer, StringComparison.OrdinalIgnoreCase));

    /// <summary>True when a token for <paramref name="audience"/> may be issued and accepted.</summary>
    public bool IsValidAudience(string audience)
    {
        var a = audience.TrimEnd('/');
        return ArmAudiences.Concat(BaseUrls).Any(v => string.Equals(v, a, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>The base URL of a request if it is one of ours, else the configured management URL.</summary>
    public string BaseFor(string requestBase) =>
        BaseUrls.FirstOrDefault(b => string.Equals(b, requestBase.TrimEnd('/'), StringComparison.OrdinalIgnoreCase)) ?? deployment.ManagementUrl.TrimEnd('/');
}
