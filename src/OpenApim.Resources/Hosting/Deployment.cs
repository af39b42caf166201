using OpenApim.Resources.Store.Journal;

namespace OpenApim.Resources.Hosting;

/// <summary>
/// Facts about this deployment that responses show: the directory (tenant) id, and where it answers,
/// known once the listeners are bound (ports may be picked at start).
/// </summary>
public sealed class Deployment
{
    /// <summary>The default tenant id, documented in the README.</summary>
    public const string DefaultTenantId = "0a9e7c1d-5b3f-4e21-9c6a-0a91ae000001";

    public string TenantId { get; set; } = DefaultTenantId;

    /// <summary>The subscriptions this deployment lists (any other well-formed subscription id is usable too, and listed once it holds something).</summary>
    public IReadOnlyList<ArmSubscription> Subscriptions { get; set; } = [ArmSubscription.Default];

    public string ManagementUrl { get; set; } = "https://127.0.0.1:8443";

    /// <summary>Whether a new service gets what Azure creates with one (starter and unlimited products, Echo API, administrator, master subscription).</summary>
    public bool CreateServiceDefaults { get; set; } = true;

    /// <summary>How long a deleted service is kept for undelete (Azure: 48 hours); zero deletes at once.</summary>
    public TimeSpan SoftDeleteRetention { get; set; } = TimeSpan.FromHours(48);

    /// <summary>What the change journal keeps: records younger than the age, up to the size, and always what a live reader still needs.</summary>
    public JournalRetention JournalRetention { get; set; } = new(TimeSpan.FromDays(30), 1L << 30, TimeSpan.FromMinutes(5));

    /// <summary>Host name pattern of a service's default gateway host; <c>{service}</c> is replaced by the lower-case service name.</summary>
    public string GatewayHostPattern { get; set; } = "{service}.localhost";

    public int? GatewayHttpPort { get; set; }

    public int? GatewayHttpsPort { get; set; }

    public string GatewayHost(string serviceName) => GatewayHostPattern.Replace("{service}", serviceName.ToLowerInvariant(), StringComparison.OrdinalIgnoreCase);

    /// <summary>The gateway URL of a service (HTTPS when an HTTPS gateway listener exists), or null when no gateway runs.</summary>
    public string? GatewayUrl(string serviceName) => GatewayHttpsPort is { } https
        ? $"https://{GatewayHost(serviceName)}:{https}"
        : GatewayHttpPort is { } http ? $"http://{GatewayHost(serviceName)}:{http}" : null;
}
