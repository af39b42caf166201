using System.Security.Claims;
using System.Text.Json.Nodes;
using OpenApim.Identity.Access;
using OpenApim.Resources.Arm;
using OpenApim.Resources.Hosting;
using OpenApim.Resources.Model;

namespace OpenApim.Management.Services;

/// <summary>
/// A host name is served by one service of the deployment: a service's default gateway host
/// (<c>{service}.localhost</c>) and every host of its <c>hostnameConfigurations</c> belong to it alone. Checked
/// under the deployment lock in the write transaction that would change them, so two concurrent claims cannot both win.
/// </summary>
internal sealed class ServiceHostnames(Deployment deployment, IArmAccess access)
{
    /// <summary>Every host name a service document lists, lower case.</summary>
    public static IReadOnlySet<string> Listed(JsonObject? document) =>
        (document?["properties"]?["hostnameConfigurations"] as JsonArray ?? [])
            .Select(h => (h as JsonObject)?["hostName"].Text()?.ToLowerInvariant())
            .OfType<string>()
            .ToHashSet(StringComparer.Ordinal);

    /// <summary>Throws 409 when another service already serves a host this write would give <paramref name="service"/>.</summary>
    public async Task CheckAsync(IResourceWriter tx, ServiceRef service, JsonObject document, JsonObject? previous, ClaimsPrincipal caller, CancellationToken ct)
    {
        var wanted = new HashSet<string>(Listed(document), StringComparer.Ordinal);
        if (previous is not null && wanted.SetEquals(Listed(previous)))
        {
            return;
        }

        if (previous is null)
        {
            wanted.Add(deployment.GatewayHost(service.Name));
        }

        // The management API's own host names (and loopback) serve the console: a gateway host there would receive its
        // cookies. Checked on everything this write adds, the default gateway host of a new service included.
        var reserved = new[] { new Uri(deployment.ManagementUrl).Host.TrimEnd('.'), "localhost", "127.0.0.1" };
        if (wanted.Except(Listed(previous)).FirstOrDefault(h => reserved.Contains(h.TrimEnd('.'), StringComparer.OrdinalIgnoreCase)) is { } management)
        {
            throw ArmErrors.HostnameReserved(management);
        }

        await tx.LockDeploymentAsync(ct);
        var services = await tx.ListAsync(ListQuery.Services() with { Top = int.MaxValue }, ct);
        foreach (var other in services.Items.Where(s => s.Address.Service != service))
        {
            var theirs = new HashSet<string>(Listed(other.Body), StringComparer.Ordinal) { deployment.GatewayHost(other.Name) };
            if (wanted.FirstOrDefault(theirs.Contains) is { } taken)
            {
                var visible = await access.AllowsAsync(caller, new ArmAction("Microsoft.ApiManagement/service/read", other.Id), ct);
                throw ArmErrors.HostnameInUse(taken, visible ? other.Id : null);
            }
        }
    }
}
