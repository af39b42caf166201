using System.Text.Json.Nodes;
using OpenApim.Resources.Arm;
using OpenApim.Resources.Kinds;
using OpenApim.Resources.Kinds.Schema;
using OpenApim.Resources.Kinds.Service;
using OpenApim.Resources.Model;
using OpenApim.Resources.Store;
using OpenApim.Resources.Store.Journal;

namespace OpenApim.Backup.Replication;

/// <summary>
/// What a segment holds for a batch of journal records: each record with the row it left, its secret values taken from the
/// table (the journal keeps none); records of excluded kinds left out (they are never restored).
/// </summary>
internal static class SegmentRecords
{
    /// <summary>The records with their rows as they were: the journal's row (no secrets) completed with the current row's secret values.</summary>
    public static async Task<IReadOnlyList<SegmentRecord>> ReadAsync(IResourceStore store, ServiceRef service, IReadOnlyList<JournalEntry> entries, CancellationToken ct)
    {
        var paths = entries.Where(e => e.Operation == ChangeOperation.Upsert && e.RelativeId.Length > 0 && KindCatalog.Find(e.Kind) is { } k && Secrets.Any(k.Properties))
            .Select(e => e.RelativeId.ToLowerInvariant()).ToHashSet(StringComparer.Ordinal);
        var current = new Dictionary<string, VersionedResource>(StringComparer.Ordinal);
        if (paths.Count > 0)
        {
            await foreach (var row in store.ReadRowsAsync(service, paths, ct))
            {
                current[row.Row.Path] = row;
            }
        }

        // Excluded kinds (portal content, replications with their storage keys) are never restored, so never shipped.
        return [.. entries.Where(Shipped).Select(e => new SegmentRecord(e.Sequence, e.At, e.Kind, e.RelativeId, e.Operation, e.Version, Body(e, current)))];
    }

    private static bool Shipped(JournalEntry e) => e.RelativeId.Length == 0 || KindCatalog.Find(e.Kind) is { Backup: not BackupScope.Excluded };

    private static string? Body(JournalEntry e, Dictionary<string, VersionedResource> current)
    {
        if (e.Body is null || e.Operation != ChangeOperation.Upsert)
        {
            return null;
        }

        if (e.RelativeId.Length == 0)
        {
            return ServiceBackup.ForArchive(e.Body).ToJsonString();
        }

        if (!current.TryGetValue(e.RelativeId.ToLowerInvariant(), out var row))
        {
            return e.Body.ToJsonString();
        }

        if (row.Version == e.Version)
        {
            return row.Row.Body;
        }

        // The row changed again since: this record's own properties, with the secret values the row holds now.
        var body = (JsonObject)e.Body.DeepClone();
        if (body["properties"] is JsonObject properties && JsonNode.Parse(row.Row.Body)?["properties"] is JsonObject now)
        {
            Secrets.Fill(properties, now, KindCatalog.Get(e.Kind).Properties);
        }

        return body.ToJsonString();
    }
}
