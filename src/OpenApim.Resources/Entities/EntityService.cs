using System.Text.Json.Nodes;
using OpenApim.Resources.Arm;
using OpenApim.Resources.Kinds;
using OpenApim.Resources.Kinds.Schema;
using OpenApim.Resources.Store;

namespace OpenApim.Resources.Entities;

/// <summary>The result of a PUT: the stored entity and whether it was created.</summary>
public sealed record PutResult(StoredResource Entity, bool Created);

/// <summary>
/// Create, read, update, delete, list and actions for every entity kind, written once against the
/// kind declarations: validation, references, ETags, hooks, cascading deletes and rendering.
/// </summary>
public sealed class EntityService(IResourceStore store, TimeProvider time)
{
    public async Task<StoredResource> GetAsync(EntityAddress address, CancellationToken ct)
    {
        var entity = await store.GetAsync(address.Key, ct);
        if (entity is null)
        {
            await ThrowMissingAsync(address, ct);
        }

        return entity!;
    }

    public async Task<ResourcePage> ListAsync(CollectionAddress collection, string? filter, int top, int skip, CancellationToken ct)
    {
        var parsed = string.IsNullOrWhiteSpace(filter) ? null : Filter.Parse(filter, collection.Kind.FilterField);
        var page = await store.ListAsync(new ListQuery(collection.Kind.Path, ParentKey: collection.ParentKey, Filter: parsed, Top: top, Skip: skip), ct);
        if (page.Items.Count == 0 && await store.GetAsync(collection.ParentKey, ct) is null)
        {
            if (collection.Parent is null)
            {
                throw ArmErrors.ServiceNotFound(collection.Service.Name, collection.Service.ResourceGroup);
            }

            await ThrowMissingAsync(collection.Parent, ct);
        }

        return page;
    }

    public async Task<PutResult> PutAsync(EntityAddress address, JsonObject body, string? ifMatch, string? ifNoneMatch, CancellationToken ct)
    {
        var kind = address.Kind;
        var canonicalName = CheckName(address);
        var properties = PropertiesOf(body);
        var problems = SchemaValidator.Normalize(properties, kind.Properties, "properties");

        return await store.WriteAsync(address.Service.Key, WriteScope.Entity, async tx =>
        {
            await RequireParentAsync(tx, address);
            var existing = await tx.GetAsync(address.Key);
            ETag.CheckConditions(address.RelativePath, existing?.ETag, ifMatch, ifNoneMatch);
            CheckSeedWritable(address, existing);
            var stored = await WriteAsync(tx, address, existing, properties, problems, ifMatch, canonicalName);
            return new PutResult(stored, existing is null);
        }, ct);
    }

    public async Task<StoredResource> PatchAsync(EntityAddress address, JsonObject body, string? ifMatch, CancellationToken ct)
    {
        var kind = address.Kind;
        if (!kind.Patchable)
        {
            throw ArmErrors.MethodNotAllowed("PATCH", address.RelativePath);
        }

        RequireIfMatch(kind, ifMatch);
        var patch = PropertiesOf(body);
        return await store.WriteAsync(address.Service.Key, WriteScope.Entity, async tx =>
        {
            await RequireParentAsync(tx, address);
            var existing = await tx.GetAsync(address.Key);
            if (existing is null)
            {
                throw ArmErrors.EntityNotFound(address.RelativePath);
            }

            ETag.CheckConditions(address.RelativePath, existing.ETag, ifMatch, null);
            CheckSeedWritable(address, existing);
            var merged = (JsonObject)existing.Properties.DeepClone();
            JsonMerge.Apply(merged, patch);
            var problems = SchemaValidator.Normalize(merged, kind.Properties, "properties");
            return await WriteAsync(tx, address, existing, merged, problems, ifMatch, existing.Name);
        }, ct);
    }

    /// <summary>Deletes the entity and its children; false when it did not exist.</summary>
    public async Task<bool> DeleteAsync(EntityAddress address, string? ifMatch, Func<string, string?> query, CancellationToken ct)
    {
        var kind = address.Kind;
        RequireIfMatch(kind, ifMatch);
        return await store.WriteAsync(address.Service.Key, WriteScope.Entity, async tx =>
        {
            var existing = await tx.GetAsync(address.Key);
            if (existing is null)
            {
                return false;
            }

            ETag.CheckConditions(address.RelativePath, existing.ETag, ifMatch, null);
            var seed = kind.Seeds.FirstOrDefault(s => s.Name.Equals(existing.Name, StringComparison.OrdinalIgnoreCase));
            if (seed is not null)
            {
                if (kind.SeedBehavior != SeedBehavior.ResetOnDelete)
                {
                    throw ArmErrors.Conflict($"'{address.RelativePath}' is built in and cannot be deleted.");
                }

                await tx.PutAsync(ToRow(address, existing.Name, new JsonObject { ["properties"] = seed.Properties.DeepClone() }));
                return true;
            }

            if (kind.Hooks.BeforeDelete is { } hook)
            {
                await hook(new EntityDeleteContext { Address = address, Entity = existing, Store = tx, Query = query });
            }

            await tx.DeleteTreeAsync(address.Key);
            await DeleteInboundLinksAsync(tx, address);
            return true;
        }, ct);
    }

    public async Task<JsonNode?> ActionAsync(EntityAddress address, KindAction action, JsonNode? body, CancellationToken ct)
    {
        return await store.WriteAsync(address.Service.Key, WriteScope.Entity, async tx =>
        {
            var entity = await tx.GetAsync(address.Key) ?? throw ArmErrors.EntityNotFound(address.RelativePath);
            return await action.Run(new EntityActionContext { Address = address, Entity = entity, Store = tx, Body = body, Time = time });
        }, ct);
    }

    /// <summary>The client view of an entity: id, type, name and properties without secrets, references as full ids.</summary>
    public static JsonObject Render(EntityAddress address, StoredResource entity, StoredResource? linkTarget = null)
    {
        var kind = address.Kind;
        var source = linkTarget ?? entity;
        var sourceKind = linkTarget is null ? kind : KindCatalog.Get(kind.LinkTarget!);
        var properties = (JsonObject)source.Properties.DeepClone();
        SchemaValidator.RemoveSecrets(properties, sourceKind.Properties);
        sourceKind.Hooks.Render?.Invoke(properties);
        References.Expand(address.Service, properties, sourceKind.Properties);
        return new JsonObject
        {
            ["id"] = entity.Id,
            ["type"] = kind.Type,
            ["name"] = entity.Name,
            ["properties"] = properties,
        };
    }

    /// <summary>For a link entity, the entity it points to (null when that was deleted concurrently).</summary>
    public Task<StoredResource?> LinkTargetAsync(EntityAddress link, CancellationToken ct) =>
        store.GetAsync(LinkTargetKey(link), ct);

    /// <summary>The targets of several links of one kind, by target key, in one query.</summary>
    public Task<IReadOnlyDictionary<string, StoredResource>> LinkTargetsAsync(IReadOnlyCollection<EntityAddress> links, CancellationToken ct) =>
        store.GetManyAsync([.. links.Select(LinkTargetKey)], ct);

    public static string LinkTargetKey(EntityAddress link) => link.Sibling(KindCatalog.Get(link.Kind.LinkTarget!), link.Name).Key;

    /// <summary>Writes the service's seed entities (system groups, templates, portal settings).</summary>
    public static async Task SeedAsync(IResourceWriter tx, ServiceRef service)
    {
        foreach (var kind in KindCatalog.All.Where(k => k.Seeds.Count > 0))
        {
            foreach (var seed in kind.Seeds)
            {
                var address = new EntityAddress(service, kind, [seed.Name]);
                await tx.PutAsync(ToRow(address, seed.Name, new JsonObject { ["properties"] = seed.Properties.DeepClone() }));
            }
        }
    }

    private async Task<StoredResource> WriteAsync(IResourceWriter tx, EntityAddress address, StoredResource? existing, JsonObject properties, List<ArmErrorDetail> problems, string? ifMatch, string name)
    {
        var kind = address.Kind;
        if (kind.LinkTarget is { } targetPath && await tx.GetAsync(address.Sibling(KindCatalog.Get(targetPath), address.Name).Key) is null)
        {
            throw ArmErrors.EntityNotFound($"{targetPath}/{address.Name}");
        }

        await References.NormalizeAsync(address, properties, kind.Properties, tx, problems);
        if (kind.Hooks.BeforeWrite is { } hook && problems.Count == 0)
        {
            var context = new EntityWriteContext { Address = address, Properties = properties, Existing = existing?.Properties, Store = tx, Time = time };
            await hook(context);
            problems.AddRange(context.Problems);
        }

        if (problems.Count > 0)
        {
            throw ArmErrors.Validation(problems);
        }

        return await tx.PutAsync(ToRow(address, name, new JsonObject { ["properties"] = properties }), ifMatch);
    }

    private static NewResource ToRow(EntityAddress address, string name, JsonObject body)
    {
        var names = address.Names.ToArray();
        names[^1] = name;
        var canonical = address with { Names = names };
        return new NewResource(canonical.Key, canonical.Id, address.Service.Key, canonical.ParentKey, address.Kind.Path, name, body);
    }

    private static async Task DeleteInboundLinksAsync(IResourceWriter tx, EntityAddress address)
    {
        foreach (var linkKind in KindCatalog.All.Where(k => k.LinkTarget == address.Kind.Path))
        {
            var filter = new CompareFilter("name", "eq", address.Name);
            var links = await tx.ListAsync(new ListQuery(linkKind.Path, ServiceKey: address.Service.Key, Filter: filter, Top: int.MaxValue));
            foreach (var link in links.Items)
            {
                await tx.DeleteTreeAsync(link.Key);
            }
        }
    }

    private static string CheckName(EntityAddress address)
    {
        var problem = address.Kind.Names.Check(address.Name, out var canonical);
        if (problem is not null)
        {
            throw ArmErrors.Validation("name", problem);
        }

        return canonical;
    }

    private static JsonObject PropertiesOf(JsonObject body)
    {
        var key = body.KeyOf("properties");
        return key is null
            ? []
            : body[key] switch
            {
                JsonObject o => (JsonObject)o.DeepClone(),
                null => [],
                _ => throw ArmErrors.Validation("properties", "'properties' must be an object."),
            };
    }

    private static void RequireIfMatch(ResourceKind kind, string? ifMatch)
    {
        if (kind.IfMatchRequired && string.IsNullOrWhiteSpace(ifMatch))
        {
            throw ArmErrors.IfMatchRequired();
        }
    }

    private static void CheckSeedWritable(EntityAddress address, StoredResource? existing)
    {
        if (existing is not null && address.Kind.SeedBehavior == SeedBehavior.Locked
            && address.Kind.Seeds.Any(s => s.Name.Equals(existing.Name, StringComparison.OrdinalIgnoreCase)))
        {
            throw ArmErrors.Conflict($"'{address.RelativePath}' is built in and cannot be changed.");
        }
    }

    private static async Task RequireParentAsync(IResourceWriter tx, EntityAddress address)
    {
        if (await tx.GetAsync(address.Service.Key) is null)
        {
            throw ArmErrors.ServiceNotFound(address.Service.Name, address.Service.ResourceGroup);
        }

        if (address.Parent is { } parent && await tx.GetAsync(parent.Key) is null)
        {
            throw ArmErrors.ParentNotFound(parent.RelativePath);
        }
    }

    private async Task ThrowMissingAsync(EntityAddress address, CancellationToken ct)
    {
        if (await store.GetAsync(address.Service.Key, ct) is null)
        {
            throw ArmErrors.ServiceNotFound(address.Service.Name, address.Service.ResourceGroup);
        }

        for (var parent = address.Parent; parent is not null; parent = parent.Parent)
        {
            if (await store.GetAsync(parent.Key, ct) is null)
            {
                throw ArmErrors.ParentNotFound(parent.RelativePath);
            }
        }

        throw ArmErrors.EntityNotFound(address.RelativePath);
    }
}
