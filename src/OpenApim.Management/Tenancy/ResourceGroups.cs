using System.Text.Json.Nodes;
using OpenApim.Resources.Arm;
using OpenApim.Resources.Model;
using OpenApim.Resources.Store;

namespace OpenApim.Management.Tenancy;

/// <summary>
/// Resource groups, kept in the directory (they belong to no service, so no backup carries them). A group also exists
/// while a service is in it, though nobody created it: a service PUT needs no group first, as the quick start relies on.
/// </summary>
internal sealed class ResourceGroups(IDirectoryStore directory, IResourceStore store)
{
    private const string Kind = "resourceGroup";

    public async Task<ResourceGroup?> GetAsync(string subscriptionId, string name, CancellationToken ct)
    {
        if (await directory.GetAsync(Kind, ResourceGroup.Key(subscriptionId, name), ct) is { } entry)
        {
            return Read(subscriptionId, entry);
        }

        var services = await ServicesAsync(subscriptionId, name, ct);
        return services.Count == 0 ? null : Implied(services[0]);
    }

    /// <summary>The subscription's groups, created or implied by services, ordered by name.</summary>
    public async Task<IReadOnlyList<ResourceGroup>> ListAsync(string subscriptionId, CancellationToken ct)
    {
        var groups = (await directory.ListByPrincipalsAsync(Kind, [subscriptionId.ToLowerInvariant()], ct))
            .Select(e => Read(subscriptionId, e))
            .ToDictionary(g => g.Name, StringComparer.OrdinalIgnoreCase);
        foreach (var service in await ServicesAsync(subscriptionId, null, ct))
        {
            groups.TryAdd(service.Address.Service.ResourceGroup, Implied(service));
        }

        return [.. groups.Values.OrderBy(g => g.Name, StringComparer.OrdinalIgnoreCase)];
    }

    /// <summary>The subscription ids that hold a group (created or implied).</summary>
    public async Task<IReadOnlySet<string>> SubscriptionsInUseAsync(CancellationToken ct)
    {
        var ids = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var entry in await directory.ListAsync(Kind, ct))
        {
            ids.Add(entry.Principal!);
        }

        foreach (var service in (await store.ListAsync(ListQuery.Services() with { Top = int.MaxValue }, ct)).Items)
        {
            ids.Add(service.Address.Service.SubscriptionId);
        }

        return ids;
    }

    /// <summary>Creates or updates a group; true when it was created.</summary>
    public async Task<(ResourceGroup Group, bool Created)> PutAsync(string subscriptionId, string name, string location, JsonObject? tags, CancellationToken ct)
    {
        var existing = await GetAsync(subscriptionId, name, ct);
        if (existing is not null && !ArmLocation.Same(existing.Location, location))
        {
            throw new ArmException(System.Net.HttpStatusCode.Conflict, "InvalidResourceGroupLocation",
                $"Invalid resource group location '{location}'. The Resource group already exists in location '{existing.Location}'.");
        }

        var group = new ResourceGroup(subscriptionId, existing?.Name ?? name, existing?.Location ?? location, tags, Stored: true);
        await directory.PutAsync(Write(group), ct);
        return (group, existing is null);
    }

    /// <summary>Removes the group record (its services are deleted by the caller first).</summary>
    public Task<bool> ForgetAsync(string subscriptionId, string name, CancellationToken ct) =>
        directory.DeleteAsync(Kind, ResourceGroup.Key(subscriptionId, name), ct);

    public async Task<IReadOnlyList<StoredResource>> ServicesAsync(string subscriptionId, string? resourceGroup, CancellationToken ct) =>
        (await store.ListAsync(ListQuery.Services(subscriptionId, resourceGroup) with { Top = int.MaxValue }, ct)).Items;

    private static ResourceGroup Implied(StoredResource service) =>
        new(service.Address.Service.SubscriptionId, service.Address.Service.ResourceGroup, service.Body["location"].Text() ?? "global", null, Stored: false);

    private static ResourceGroup Read(string subscriptionId, DirectoryEntry entry) => new(
        subscriptionId,
        entry.Body["name"].Text() ?? entry.Id[(entry.Id.LastIndexOf('/') + 1)..],
        entry.Body["location"].Text() ?? "global",
        entry.Body["tags"] as JsonObject is { } tags ? (JsonObject)tags.DeepClone() : null,
        Stored: true);

    private static DirectoryEntry Write(ResourceGroup group)
    {
        // The resource id also puts the group's changes in the subscription's activity log (see the directory store).
        var body = new JsonObject { ["name"] = group.Name, ["location"] = group.Location, ["resourceId"] = group.Id };
        if (group.Tags is not null)
        {
            body["tags"] = group.Tags.DeepClone();
        }

        return new DirectoryEntry(Kind, ResourceGroup.Key(group.SubscriptionId, group.Name), group.SubscriptionId.ToLowerInvariant(), body);
    }
}
