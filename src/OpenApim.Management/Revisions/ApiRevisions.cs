using System.Text.Json.Nodes;
using OpenApim.Resources.Arm;
using OpenApim.Resources.Entities;
using OpenApim.Resources.Kinds;
using OpenApim.Resources.Model;
using OpenApim.Resources.Store;

namespace OpenApim.Management.Revisions;

/// <summary>
/// API revisions as API Management keeps them. The current revision is <c>apis/{id}</c>; every other one is its own API
/// row <c>apis/{id};rev={n}</c> with its own operations, policies and schemas, on the same path. A revision is created
/// from a source revision (a copy of its tree), and a release (<c>apis/{id}/releases/{r}</c>) makes it current by
/// exchanging the two trees in one transaction. <c>apis/{id};rev={n}</c> of the current revision addresses <c>apis/{id}</c>.
/// </summary>
internal sealed class ApiRevisions(IResourceStore store, EntityService entities)
{
    private static readonly HashSet<ResourceKind> NotCopied = [KindCatalog.ApiReleases];

    /// <summary>The address with its API segment <c>{id};rev={n}</c> turned into <c>{id}</c> when n is the current revision.</summary>
    public async Task<(EntityAddress Address, bool WasCurrentRevision)> ResolveAsync(EntityAddress address, CancellationToken ct)
    {
        if (address.IsService || Root(address.Kind) != KindCatalog.Apis || ApiRevisionName.Parse(address.Names[0]) is not { IsRevision: true } name)
        {
            return (address, false);
        }

        var current = await store.GetAsync(new EntityAddress(address.Service, KindCatalog.Apis, [name.Api]), ct);
        return current is not null && string.Equals(current.Properties["apiRevision"].Text() ?? "1", name.Revision, StringComparison.Ordinal)
            ? (new EntityAddress(address.Service, address.Kind, [current.Name, .. address.Names.Skip(1)]), true)
            : (address, false);
    }

    /// <summary>Creates or updates a revision that is not current; a new one starts as a copy of <c>sourceApiId</c> (default: the current revision).</summary>
    public async Task<PutResult> PutRevisionAsync(EntityAddress address, JsonObject body, string? ifMatch, string? ifNoneMatch, CancellationToken ct)
    {
        var name = ApiRevisionName.Parse(address.Name);
        if (!ApiRevisionName.IsValidRevision(name.Revision!))
        {
            throw ArmErrors.Validation("name", $"'{name.Revision}' is not a revision number; a revision is addressed as '{name.Api};rev={{n}}' with n a positive integer.");
        }

        var baseAddress = address.Sibling(KindCatalog.Apis, name.Api);
        var current = await store.GetAsync(baseAddress, ct) ?? throw ArmErrors.EntityNotFound(baseAddress.RelativeId);
        var existing = await store.GetAsync(address, ct);
        var requested = body.Property("properties") as JsonObject ?? [];
        var source = existing is null ? await SourceAsync(address, current, requested, ct) : null;

        var properties = (JsonObject)(existing ?? source)!.Properties.DeepClone();
        foreach (var (key, node) in requested)
        {
            if (!key.Equals("sourceApiId", StringComparison.OrdinalIgnoreCase))
            {
                properties[key] = node?.DeepClone();
            }
        }

        properties["apiRevision"] = name.Revision;
        properties["isCurrent"] = false;
        properties["path"] = current.Properties["path"]?.DeepClone();
        properties.Remove("sourceApiId");
        return await entities.PutAsync(address, new JsonObject { ["properties"] = properties }, ifMatch, ifNoneMatch, async (tx, result) =>
        {
            if (result.Created && source is not null)
            {
                await ApiTrees.WriteBelowAsync(tx, await ApiTrees.DescendantsAsync(tx, source.Address, NotCopied, ct), source.Address, result.Entity.Address, ct);
            }
        }, ct);
    }

    /// <summary>An import into <c>apis/{id};rev={n}</c>: the body with the revision's number, not current, on the API's path.</summary>
    public async Task<JsonObject> AsRevisionAsync(EntityAddress address, JsonObject body, CancellationToken ct)
    {
        var name = ApiRevisionName.Parse(address.Name);
        if (!ApiRevisionName.IsValidRevision(name.Revision!))
        {
            throw ArmErrors.Validation("name", $"'{name.Revision}' is not a revision number.");
        }

        var current = await store.GetAsync(address.Sibling(KindCatalog.Apis, name.Api), ct) ?? throw ArmErrors.EntityNotFound($"apis/{name.Api}");
        var copy = (JsonObject)body.DeepClone();
        var properties = copy.Property("properties") as JsonObject ?? [];
        properties["apiRevision"] = name.Revision;
        properties["isCurrent"] = false;
        properties["path"] = current.Properties["path"]?.DeepClone();
        copy[copy.KeyOf("properties") ?? "properties"] = properties;
        return copy;
    }

    /// <summary>Creates or updates a release; the revision it names becomes current in the same transaction.</summary>
    public Task<PutResult> PutReleaseAsync(EntityAddress release, JsonObject body, string? ifMatch, string? ifNoneMatch, CancellationToken ct)
    {
        var api = release.Parent!;
        if (ApiRevisionName.Parse(api.Name).IsRevision)
        {
            throw ArmErrors.Validation("name", $"Releases belong to the API ('apis/{ApiRevisionName.Parse(api.Name).Api}/releases'), not to one of its revisions.");
        }

        // Without apiId the release records the current revision.
        var apiId = (body.Property("properties") as JsonObject)?.Property("apiId").Text() ?? $"/apis/{api.Name}";
        var revision = ApiRevisionName.Parse(apiId.TrimEnd('/').Split('/')[^1]);
        if (!revision.Api.Equals(api.Name, StringComparison.OrdinalIgnoreCase))
        {
            throw ArmErrors.Validation("properties.apiId", $"'{apiId}' is not a revision of API '{api.Name}'.");
        }

        // Once released, the revision is apis/{id}: the release refers to it there, so the reference stays valid
        // (edits of the release, backups and restores check it).
        var stored = (JsonObject)body.DeepClone();
        var key = stored.KeyOf("properties") ?? "properties";
        if (stored[key] is not JsonObject properties)
        {
            properties = [];
            stored[key] = properties;
        }

        properties[properties.KeyOf("apiId") ?? "apiId"] = $"/apis/{api.Name}";
        return entities.PutAsync(release, stored, ifMatch, ifNoneMatch, (tx, _) => MakeCurrentAsync(tx, api, revision, ct), ct);
    }

    /// <summary><c>GET apis/{id}/revisions</c>: every revision of the API, current first, in ARM's ApiRevisionContract shape.</summary>
    public async Task<JsonObject> ListAsync(EntityAddress api, CancellationToken ct)
    {
        var current = await entities.GetAsync(api, ct);
        var all = await store.ListAsync(ListQuery.InService(KindCatalog.Apis, api.Service) with { Top = int.MaxValue }, ct);
        var revisions = all.Items.Where(a => ApiRevisionName.SameApi(a.Name, current.Name))
            .OrderByDescending(a => a.Address == current.Address)
            .ThenBy(a => int.TryParse(a.Properties["apiRevision"].Text(), out var n) ? n : int.MaxValue)
            .Select(a => (JsonNode)Contract(current, a))
            .ToList();
        return new JsonObject { ["value"] = new JsonArray([.. revisions]), ["count"] = revisions.Count };
    }

    private static JsonObject Contract(StoredResource current, StoredResource revision)
    {
        var number = revision.Properties["apiRevision"].Text() ?? "1";
        var isCurrent = revision.Address == current.Address;
        var path = current.Properties["path"].Text() ?? "";
        return new JsonObject
        {
            ["apiId"] = $"/apis/{ApiRevisionName.Of(current.Name, number)}",
            ["apiRevision"] = number,
            ["createdDateTime"] = revision.CreatedAt.ToString("O"),
            ["updatedDateTime"] = revision.UpdatedAt.ToString("O"),
            ["description"] = revision.Properties["apiRevisionDescription"]?.DeepClone(),
            ["privateUrl"] = isCurrent ? null : $"/{ApiRevisionName.Of(path, number)}",
            ["isOnline"] = true,
            ["isCurrent"] = isCurrent,
        };
    }

    private async Task<StoredResource> SourceAsync(EntityAddress address, StoredResource current, JsonObject requested, CancellationToken ct)
    {
        if (requested.Property("sourceApiId").Text() is not { } sourceId)
        {
            return current;
        }

        var sourceName = ApiRevisionName.Parse(sourceId.TrimEnd('/').Split('/')[^1]);
        if (!sourceName.Api.Equals(current.Name, StringComparison.OrdinalIgnoreCase))
        {
            throw ArmErrors.Validation("properties.sourceApiId", $"A revision of '{current.Name}' is made from another revision of it, not from '{sourceId}'.");
        }

        var (resolved, _) = await ResolveAsync(address.Sibling(KindCatalog.Apis, sourceId.TrimEnd('/').Split('/')[^1]), ct);
        return await store.GetAsync(resolved, ct) ?? throw ArmErrors.Validation("properties.sourceApiId", $"'{sourceId}' does not exist.");
    }

    /// <summary>Exchanges the current revision's tree with <paramref name="revision"/>'s; the releases stay with the API.</summary>
    private static async Task MakeCurrentAsync(IResourceWriter tx, EntityAddress api, ApiRevisionName revision, CancellationToken ct)
    {
        var current = await tx.GetAsync(api, ct) ?? throw ArmErrors.EntityNotFound(api.RelativeId);
        var currentNumber = current.Properties["apiRevision"].Text() ?? "1";
        if (revision.Revision is null || revision.Revision == currentNumber)
        {
            return;
        }

        var next = api.Sibling(KindCatalog.Apis, ApiRevisionName.Of(current.Name, revision.Revision));
        var incoming = await tx.GetAsync(next, ct) ?? throw ArmErrors.Validation("properties.apiId", $"Revision '{revision.Revision}' of API '{current.Name}' does not exist.");
        var incomingTree = await ApiTrees.DescendantsAsync(tx, next, NotCopied, ct);
        var outgoingTree = await ApiTrees.DescendantsAsync(tx, api, NotCopied, ct);
        foreach (var row in outgoingTree.Where(r => r.Address.Parent == api))
        {
            await tx.DeleteTreeAsync(row.Address, ct);
        }

        await tx.DeleteTreeAsync(next, ct);

        if (!ApiRevisionName.IsValidRevision(currentNumber))
        {
            throw ArmErrors.Conflict($"API '{current.Name}' has apiRevision '{currentNumber}', which is not a revision number; fix it before releasing.");
        }

        // The API keeps its path: a revision made before a path change must not move the API back.
        var promoted = (JsonObject)incoming.Body.DeepClone();
        promoted["properties"]!["isCurrent"] = true;
        promoted["properties"]!["path"] = current.Properties["path"]?.DeepClone();
        await tx.PutAsync(new ResourceRow(current.Address, promoted), null, ct);
        await ApiTrees.WriteBelowAsync(tx, incomingTree, next, current.Address, ct);

        var retired = api.Sibling(KindCatalog.Apis, ApiRevisionName.Of(current.Name, currentNumber));
        var demoted = (JsonObject)current.Body.DeepClone();
        demoted["properties"]!["isCurrent"] = false;
        await tx.PutAsync(new ResourceRow(retired, demoted), null, ct);
        await ApiTrees.WriteBelowAsync(tx, outgoingTree, current.Address, retired, ct);
    }

    private static ResourceKind Root(ResourceKind kind)
    {
        while (kind.Parent is { } parent)
        {
            kind = parent;
        }

        return kind;
    }
}
