using System.Text.Json.Nodes;
using OpenApim.Backup.Archive;
using OpenApim.Resources.Arm;
using OpenApim.Resources.Kinds;
using OpenApim.Resources.Model;
using OpenApim.Resources.Store;

namespace OpenApim.Backup.Jobs;

/// <summary>
/// Undelete: OpenApim's <c>"entities": ["apis/orders", "subscriptions/s1"]</c> in a restore body restores only those entities,
/// each with everything below it (an API with its operations, schemas and policies; a subscription with its keys), as the
/// backup or point in time holds them, and leaves the rest of the service untouched. Top-level entities of backed-up kinds.
/// </summary>
internal static class RestoredEntities
{
    public const int MaxEntities = 100;

    public static IReadOnlyList<string>? Parse(JsonObject body)
    {
        var key = body.KeyOf("entities");
        if (key is null || body[key] is null)
        {
            return null;
        }

        if (body[key] is not JsonArray array || array.Count is 0 or > MaxEntities)
        {
            throw ArmErrors.Validation("entities", $"'entities' must be a list of 1 to {MaxEntities} entity paths such as \"apis/orders\".");
        }

        var paths = new List<string>();
        foreach (var item in array)
        {
            var text = item is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
            var parts = text?.Split('/');
            var kind = parts is [var collection, _] ? KindCatalog.Find(collection) : null;
            if (kind is null || kind.Parent is not null || kind.Backup == BackupScope.Excluded || kind.Names.Check(parts![1], out _) is not null)
            {
                throw ArmErrors.Validation("entities", $"'{text}' is not the path of a top-level entity a backup holds (\"{{collection}}/{{name}}\", e.g. \"apis/orders\").");
            }

            paths.Add($"{kind.Path}/{parts[1]}");
        }

        return paths.Distinct(StringComparer.OrdinalIgnoreCase).ToList();
    }

    /// <summary>Replaces each entity's subtree in the service with the archive's, in one transaction; fails before any change when one is not in the archive.</summary>
    public static async Task<long> RestoreAsync(IResourceStore store, ServiceRef service, ArchiveReader archive, IReadOnlyList<string> entities, CancellationToken ct)
    {
        var validator = new Validation.ArchiveValidator();
        var rows = Rows(archive, entities, validator);
        var missing = entities.Where(e => !rows.Any(r => r.Path.Equals(e, StringComparison.OrdinalIgnoreCase))).ToList();
        if (missing.Count > 0)
        {
            throw ArmErrors.RestoreFailed("EntityNotInBackup", $"The backup holds no {string.Join(", ", missing.Select(m => $"'{m}'"))} at the point it captured; nothing was restored.");
        }

        // Every row by the management API's rules (names, JSON, schema) before anything changes.
        if (validator.RowProblems.Count > 0)
        {
            throw ArmErrors.BackupInvalid(validator.RowProblems);
        }

        return await store.WriteAsync(service, WriteScope.Restore, async writer =>
        {
            foreach (var entity in entities)
            {
                var kind = KindCatalog.Get(entity[..entity.IndexOf('/', StringComparison.Ordinal)]);
                await writer.DeleteTreeAsync(EntityAddress.FromRelativeId(service, kind, entity), ct);
            }

            foreach (var row in rows)
            {
                await writer.PutAsync(new ResourceRow(EntityAddress.FromRelativeId(service, row.Kind, row.RelativeId), JsonNode.Parse(row.Body)!.AsObject()), null, ct);
            }

            return (long)rows.Count;
        }, ct);
    }

    /// <summary>What restoring <paramref name="entities"/> would write: rows per entity, and whether the service has it now.</summary>
    public static async Task<JsonObject> PreviewAsync(IResourceStore store, ServiceRef service, ArchiveReader archive, IReadOnlyList<string> entities, CancellationToken ct)
    {
        var rows = Rows(archive, entities);
        var items = new JsonArray();
        foreach (var entity in entities)
        {
            var lower = entity.ToLowerInvariant();
            var kind = KindCatalog.Get(entity[..entity.IndexOf('/', StringComparison.Ordinal)]);
            items.Add(new JsonObject
            {
                ["path"] = entity,
                ["inBackup"] = rows.Any(r => r.Path == lower),
                ["rows"] = rows.Count(r => r.Path == lower || r.Path.StartsWith(lower + "/", StringComparison.Ordinal)),
                ["existsNow"] = await store.GetAsync(EntityAddress.FromRelativeId(service, kind, entity), ct) is not null,
            });
        }

        return new JsonObject { ["entities"] = items };
    }

    /// <summary>True when <paramref name="path"/> (lower case) is one of <paramref name="entities"/> or below one.</summary>
    public static bool Within(string path, IReadOnlyList<string> entities) =>
        entities.Any(e => path.Equals(e, StringComparison.OrdinalIgnoreCase) || (path.Length > e.Length && path[e.Length] == '/' && path.StartsWith(e, StringComparison.OrdinalIgnoreCase)));

    /// <summary>True when rows of <paramref name="kind"/> can lie below one of <paramref name="entities"/> (only those parts need reading).</summary>
    public static bool MayHold(ResourceKind kind, IReadOnlyList<string> entities) =>
        entities.Any(e =>
        {
            var top = e[..e.IndexOf('/', StringComparison.Ordinal)];
            return kind.Path.Equals(top, StringComparison.OrdinalIgnoreCase) || kind.Path.StartsWith(top + "/", StringComparison.OrdinalIgnoreCase);
        });

    /// <summary>The archive's rows of the entities and everything below them, parents first; parts of other kinds are not read.</summary>
    private static List<RawResource> Rows(ArchiveReader archive, IReadOnlyList<string> entities, Validation.ArchiveValidator? validator = null)
    {
        var wanted = entities.Select(e => e.ToLowerInvariant()).ToList();
        var rows = new List<RawResource>();
        foreach (var part in archive.EntityParts)
        {
            if (KindCatalog.Find(part.Kind) is not { } kind || !MayHold(kind, entities))
            {
                continue;
            }

            foreach (var row in archive.ReadPart(part))
            {
                var path = row.Path.ToLowerInvariant();
                if (wanted.Any(w => path == w || path.StartsWith(w + "/", StringComparison.Ordinal)))
                {
                    validator?.Row(kind, row);
                    rows.Add(RestoreJob.ToRow(kind, row));
                }
            }
        }

        return [.. rows.OrderBy(r => r.Path.Count(c => c == '/')).ThenBy(r => r.Path, StringComparer.Ordinal)];
    }
}
