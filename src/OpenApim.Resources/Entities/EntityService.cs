using System.Text.Json.Nodes;
using OpenApim.Resources.Arm;
using OpenApim.Resources.Kinds;
using OpenApim.Resources.Kinds.Schema;
using OpenApim.Resources.Model;
using OpenApim.Resources.Queries;
using OpenApim.Resources.Store;

namespace OpenApim.Resources.Entities;

/// <summary>
/// Create, read, update, delete, list and actions for every entity kind, written once against the
/// kind declarations: validation, references, ETags, hooks, cascading deletes. (How an entity reads is
/// <see cref="EntityRendering"/>.)
/// </summary>
public sealed class EntityService(IResourceStore store, TimeProvider time)
{
    public async Task<StoredResource> GetAsync(EntityAddress address, CancellationToken ct) =>
        await store.GetAsync(address, ct) ?? throw await MissingAsync(address, ct);

    public async Task<ResourcePage> ListAsync(CollectionAddress collection, string? filter, int top, int skip, CancellationToken ct)
    {
        var parsed = string.IsNullOrWhiteSpace(filter) ? null : Filter.Parse(filter, collection.Kind.FilterField);
        var page = await store.ListAsync(ListQuery.Children(collection) with { Filter = parsed, Top = top, Skip = skip }, ct);
        if (page.Items.Count == 0 && await store.GetAsync(collection.Container, ct) is null)
        {
            throw await MissingAsync(collection.Container, ct);
        }

        return page;
    }

    public Task<PutResult> PutAsync(EntityAddress address, JsonObject body, string? ifMatch, string? ifNoneMatch, CancellationToken ct) =>
        PutAsync(address, body, ifMatch, ifNoneMatch, null, ct);

    /// <summary>Creates or replaces an entity; <paramref name="alsoInTransaction"/> is more work that commits or fails with it (a revision's copied tree, a release).</summary>
    public async Task<PutResult> PutAsync(EntityAddress address, JsonObject body, string? ifMatch, string? ifNoneMatch,
        Func<IResourceWriter, PutResult, Task>? alsoInTransaction, CancellationToken ct)
    {
        var canonical = address.Renamed(CheckName(address));
        var properties = PropertiesOf(body);
        var problems = SchemaValidator.Normalize(properties, address.Kind.Properties, "properties");

        return await store.WriteAsync(address.Service, WriteScope.Entity, async tx =>
        {
            await RequireParentAsync(tx, address, ct);
            var existing = await tx.GetAsync(address, ct);
            ETag.CheckConditions(address.RelativeId, existing?.ETag, ifMatch, ifNoneMatch);
            CheckSeedWritable(address, existing);
            var stored = await WriteAsync(tx, existing?.Address ?? canonical, existing, properties, problems, ifMatch, ct);
            var result = new PutResult(stored, existing is null);
            if (alsoInTransaction is not null)
            {
                await alsoInTransaction(tx, result);
            }

            return result;
        }, ct);
    }

    /// <summary>
    /// Puts the entity and, in the same transaction, makes its children of <paramref name="replacedKinds"/> exactly
    /// <paramref name="children"/>: children kept by name are rewritten (what hangs below them stays), others are
    /// deleted, new ones created. Every row is validated as a PUT of its own would be. (An API import.)
    /// </summary>
    public async Task<PutResult> PutWithChildrenAsync(
        EntityAddress address, JsonObject body, IReadOnlyList<ResourceKind> replacedKinds, IReadOnlyList<(EntityAddress Address, JsonObject Body)> children,
        string? ifMatch, string? ifNoneMatch, CancellationToken ct)
    {
        var canonical = address.Renamed(CheckName(address));
        var properties = PropertiesOf(body);
        var problems = SchemaValidator.Normalize(properties, address.Kind.Properties, "properties");
        var prepared = children.Select(child => (child.Address.Renamed(CheckName(child.Address)), Properties: PropertiesOf(child.Body))).ToList();

        return await store.WriteAsync(address.Service, WriteScope.Entity, async tx =>
        {
            await RequireParentAsync(tx, address, ct);
            var existing = await tx.GetAsync(address, ct);
            ETag.CheckConditions(address.RelativeId, existing?.ETag, ifMatch, ifNoneMatch);
            CheckSeedWritable(address, existing);
            var target = existing?.Address ?? canonical;
            var stored = await WriteAsync(tx, target, existing, properties, problems, ifMatch, ct);

            var wanted = prepared.Select(c => c.Item1.Key).ToHashSet(StringComparer.Ordinal);
            foreach (var kind in replacedKinds)
            {
                var current = await tx.ListAsync(ListQuery.Children(new CollectionAddress(target.Service, kind, target)) with { Top = int.MaxValue }, ct);
                foreach (var row in current.Items.Where(r => !wanted.Contains(r.Address.Key)))
                {
                    await tx.DeleteTreeAsync(row.Address, ct);
                    await DeleteInboundLinksAsync(tx, row.Address, ct);
                }
            }

            foreach (var (childAddress, childProperties) in prepared)
            {
                var child = new EntityAddress(target.Service, childAddress.Kind, [.. target.Names, childAddress.Name]);
                var childProblems = SchemaValidator.Normalize(childProperties, child.Kind.Properties, $"properties({child.RelativeId})");
                await WriteAsync(tx, child, await tx.GetAsync(child, ct), childProperties, childProblems, null, ct);
            }

            return new PutResult(stored, existing is null);
        }, ct);
    }

    public async Task<StoredResource> PatchAsync(EntityAddress address, JsonObject body, string? ifMatch, CancellationToken ct)
    {
        var kind = address.Kind;
        if (!kind.Patchable)
        {
            throw ArmErrors.MethodNotAllowed("PATCH", address.RelativeId);
        }

        RequireIfMatch(kind, ifMatch);
        var patch = PropertiesOf(body);
        return await store.WriteAsync(address.Service, WriteScope.Entity, async tx =>
        {
            await RequireParentAsync(tx, address, ct);
            var existing = await tx.GetAsync(address, ct) ?? throw ArmErrors.EntityNotFound(address.RelativeId);
            ETag.CheckConditions(address.RelativeId, existing.ETag, ifMatch, null);
            CheckSeedWritable(address, existing);
            var merged = (JsonObject)existing.Properties.DeepClone();
            JsonMerge.Apply(merged, patch);
            var problems = SchemaValidator.Normalize(merged, kind.Properties, "properties");
            return await WriteAsync(tx, existing.Address, existing, merged, problems, ifMatch, ct);
        }, ct);
    }

    /// <summary>Deletes the entity and its children; false when it did not exist.</summary>
    public async Task<bool> DeleteAsync(EntityAddress address, string? ifMatch, Func<string, string?> query, CancellationToken ct)
    {
        var kind = address.Kind;
        RequireIfMatch(kind, ifMatch);
        return await store.WriteAsync(address.Service, WriteScope.Entity, async tx =>
        {
            var existing = await tx.GetAsync(address, ct);
            if (existing is null)
            {
                return false;
            }

            ETag.CheckConditions(address.RelativeId, existing.ETag, ifMatch, null);
            var seed = kind.Seeds.FirstOrDefault(s => s.Name.Equals(existing.Name, StringComparison.OrdinalIgnoreCase));
            if (seed is not null)
            {
                if (kind.SeedBehavior != SeedBehavior.ResetOnDelete)
                {
                    throw ArmErrors.Conflict($"'{address.RelativeId}' is built in and cannot be deleted.");
                }

                await tx.PutAsync(ResourceRow.Entity(existing.Address, (JsonObject)seed.Properties.DeepClone()), null, ct);
                return true;
            }

            if (kind.Hooks.BeforeDelete is { } hook)
            {
                await hook(new EntityDeleteContext { Address = address, Entity = existing, Store = tx, Query = query, Cancellation = ct });
            }

            await tx.DeleteTreeAsync(address, ct);
            await DeleteInboundLinksAsync(tx, address, ct);
            return true;
        }, ct);
    }

    public Task<JsonNode?> ActionAsync(EntityAddress address, KindAction action, JsonNode? body, CancellationToken ct) =>
        store.WriteAsync(address.Service, WriteScope.Entity, async tx =>
        {
            var entity = await tx.GetAsync(address, ct) ?? throw ArmErrors.EntityNotFound(address.RelativeId);
            return await action.Run(new EntityActionContext { Address = address, Entity = entity, Store = tx, Body = body, Time = time, Cancellation = ct });
        }, ct);

    /// <summary>Validates and writes an entity inside a transaction the caller holds (a new service's defaults), as a PUT would.</summary>
    public async Task<StoredResource> PutInAsync(IResourceWriter tx, EntityAddress address, JsonObject body, CancellationToken ct)
    {
        var properties = PropertiesOf(body);
        var problems = SchemaValidator.Normalize(properties, address.Kind.Properties, "properties");
        var existing = await tx.GetAsync(address, ct);
        return await WriteAsync(tx, existing?.Address ?? address.Renamed(CheckName(address)), existing, properties, problems, null, ct);
    }

    /// <summary>For a link entity, the entity it points to (null when that was deleted concurrently).</summary>
    public Task<StoredResource?> LinkTargetAsync(EntityAddress link, CancellationToken ct) => store.GetAsync(LinkTarget(link), ct);

    /// <summary>The targets of several links of one kind, by target address, in one query.</summary>
    public Task<IReadOnlyDictionary<EntityAddress, StoredResource>> LinkTargetsAsync(IReadOnlyCollection<EntityAddress> links, CancellationToken ct) =>
        store.GetManyAsync([.. links.Select(LinkTarget)], ct);

    /// <summary>The entity a link entity points to: the target kind, named as the link.</summary>
    public static EntityAddress LinkTarget(EntityAddress link) => link.Sibling(link.Kind.LinkTarget!, link.Name);

    /// <summary>Writes the service's seed entities (system groups, templates, portal settings).</summary>
    public static async Task SeedAsync(IResourceWriter tx, ServiceRef service, CancellationToken ct)
    {
        foreach (var kind in KindCatalog.All.Where(k => k.Seeds.Count > 0))
        {
            foreach (var seed in kind.Seeds)
            {
                await tx.PutAsync(ResourceRow.Entity(new EntityAddress(service, kind, [seed.Name]), (JsonObject)seed.Properties.DeepClone()), null, ct);
            }
        }
    }

    private async Task<StoredResource> WriteAsync(IResourceWriter tx, EntityAddress address, StoredResource? existing, JsonObject properties, List<ArmErrorDetail> problems, string? ifMatch, CancellationToken ct)
    {
        var kind = address.Kind;
        if (kind.LinkTarget is not null && await tx.GetAsync(LinkTarget(address), ct) is null)
        {
            throw ArmErrors.EntityNotFound(LinkTarget(address).RelativeId);
        }

        await References.NormalizeAsync(address, properties, kind.Properties, tx, problems, ct);
        if (kind.Hooks.BeforeWrite is { } hook && problems.Count == 0)
        {
            var context = new EntityWriteContext { Address = address, Properties = properties, Existing = existing?.Properties, Store = tx, Time = time, Cancellation = ct };
            await hook(context);
            problems.AddRange(context.Problems);
        }

        return problems.Count > 0
            ? throw ArmErrors.Validation(problems)
            : await tx.PutAsync(ResourceRow.Entity(address, properties), ifMatch, ct);
    }

    private static async Task DeleteInboundLinksAsync(IResourceWriter tx, EntityAddress address, CancellationToken ct)
    {
        foreach (var linkKind in KindCatalog.LinksTo(address.Kind))
        {
            var links = await tx.ListAsync(ListQuery.InService(linkKind, address.Service) with { Filter = new CompareFilter("name", "eq", address.Name), Top = int.MaxValue }, ct);
            foreach (var link in links.Items)
            {
                await tx.DeleteTreeAsync(link.Address, ct);
            }
        }
    }

    /// <summary>The name in its declared casing (fixed names); a 400 when the kind does not accept it.</summary>
    private static string CheckName(EntityAddress address) =>
        address.Kind.Names.Check(address.Name, out var canonical) is { } problem ? throw ArmErrors.Validation("name", problem) : canonical;

    private static JsonObject PropertiesOf(JsonObject body) =>
        body.KeyOf("properties") is not { } key
            ? []
            : body[key] switch
            {
                JsonObject o => (JsonObject)o.DeepClone(),
                null => [],
                _ => throw ArmErrors.Validation("properties", "'properties' must be an object."),
            };

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
            throw ArmErrors.Conflict($"'{address.RelativeId}' is built in and cannot be changed.");
        }
    }

    private static async Task RequireParentAsync(IResourceWriter tx, EntityAddress address, CancellationToken ct)
    {
        await tx.RequireServiceAsync(address.Service, ct);
        if (address.Parent is { } parent && await tx.GetAsync(parent, ct) is null)
        {
            throw ArmErrors.ParentNotFound(parent.RelativeId);
        }
    }

    /// <summary>The 404 for a missing address: the service's when it is missing, else the nearest missing parent's, else the entity's.</summary>
    private async Task<ArmException> MissingAsync(EntityAddress address, CancellationToken ct)
    {
        if (address.IsService || await store.GetAsync(EntityAddress.ForService(address.Service), ct) is null)
        {
            return ArmErrors.ServiceNotFound(address.Service.Name, address.Service.ResourceGroup);
        }

        for (var parent = address.Parent; parent is not null; parent = parent.Parent)
        {
            if (await store.GetAsync(parent, ct) is null)
            {
                return ArmErrors.ParentNotFound(parent.RelativeId);
            }
        }

        return ArmErrors.EntityNotFound(address.RelativeId);
    }
}
