using System.Security.Cryptography;
using System.Text.Json.Nodes;
using OpenApim.Backup.Archive;
using OpenApim.Resources.Arm;
using OpenApim.Resources.Kinds;
using OpenApim.Resources.Kinds.Service;
using OpenApim.Resources.Model;
using OpenApim.Resources.Store;

namespace OpenApim.Backup.Jobs;

/// <summary>
/// The answer of a validate-only restore: the checks that passed, and per kind how many entities the
/// restore would create, change, delete or leave unchanged (naming the first <see cref="NamedPerChange"/> of each), plus
/// the service settings it would change.
/// Entities compare by content (JSON with keys in canonical order), so the store's formatting does not matter.
/// </summary>
internal static class PreviewReport
{
    /// <summary>How many entities of each kind and change the report names (the counts are always complete).</summary>
    public const int NamedPerChange = 50;

    private static readonly string[] Checks = ["storageAccess", "format", "checksums", "expiry", "sku", "encryptionKey"];

    public static async Task<JsonObject> BuildAsync(IResourceStore store, ServiceRef service, ArchiveReader archive, JsonObject archivedService, JsonObject current, RestoreScope scope, CancellationToken ct)
    {
        var replaced = RestoreScopes.ReplacedKinds(scope).ToHashSet();
        var existing = new Dictionary<string, (ResourceKind Kind, UInt128 Hash)>(StringComparer.Ordinal);
        await using (var snapshot = await store.OpenSnapshotAsync(service, ct))
        {
            await foreach (var row in snapshot.ReadAllAsync(ct))
            {
                if (replaced.Contains(row.Kind))
                {
                    existing[row.Path] = (row.Kind, Hash(row.Body));
                }
            }
        }

        var changes = new SortedDictionary<string, int[]>(StringComparer.Ordinal); // create, update, delete, unchanged
        var named = new Dictionary<string, List<string>[]>(StringComparer.Ordinal); // the first entities of each change, by path
        int[] For(ResourceKind kind) => changes.TryGetValue(kind.Path, out var c) ? c : changes[kind.Path] = new int[4];
        void Name(ResourceKind kind, int change, string path)
        {
            var lists = named.TryGetValue(kind.Path, out var l) ? l : named[kind.Path] = [[], [], []];
            if (lists[change].Count < NamedPerChange)
            {
                lists[change].Add(path);
            }
        }
        foreach (var part in archive.EntityParts)
        {
            if (KindCatalog.Find(part.Kind) is not { } kind || !replaced.Contains(kind))
            {
                continue;
            }

            foreach (var row in archive.ReadPart(part))
            {
                var target = RestoreJob.ToRow(kind, row);
                if (existing.Remove(target.Path, out var before))
                {
                    var change = before.Hash == Hash(row.Body) ? 3 : 1;
                    For(kind)[change]++;
                    if (change == 1)
                    {
                        Name(kind, 1, target.Path);
                    }
                }
                else
                {
                    For(kind)[0]++;
                    Name(kind, 0, target.Path);
                }
            }
        }

        foreach (var (path, left) in existing.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            For(left.Kind)[2]++;
            Name(left.Kind, 2, path);
        }

        var settings = new JsonObject();
        foreach (var name in ServiceBackup.RestoredProperties)
        {
            var from = current["properties"]?[name];
            var to = archivedService["properties"]?[name];
            if (!JsonNode.DeepEquals(from, to))
            {
                settings[name] = new JsonObject { ["from"] = from?.DeepClone(), ["to"] = to?.DeepClone() };
            }
        }

        var m = archive.Manifest;
        return new JsonObject
        {
            ["validateOnly"] = true,
            ["source"] = new JsonObject { ["id"] = m.Source.Id, ["name"] = m.Source.Name, ["location"] = m.Source.Location, ["sku"] = m.Source.Sku },
            ["formatVersion"] = m.FormatVersion.ToString(2),
            ["createdAt"] = Manifest.Time(m.CreatedAt),
            ["expiresAt"] = Manifest.Time(m.ExpiresAt),
            ["encrypted"] = m.Encryption is not null,
            ["scope"] = scope.ToString(),
            ["checks"] = new JsonArray(Checks.Select(c => (JsonNode)new JsonObject { ["name"] = c, ["status"] = "Passed" }).ToArray()),
            ["serviceSettings"] = settings,
            ["changes"] = new JsonObject(changes.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)new JsonObject
            {
                ["create"] = kv.Value[0],
                ["update"] = kv.Value[1],
                ["delete"] = kv.Value[2],
                ["unchanged"] = kv.Value[3],
                ["entities"] = named.TryGetValue(kv.Key, out var lists) ? new JsonObject
                {
                    ["create"] = new JsonArray([.. lists[0].Select(p => (JsonNode)p)]),
                    ["update"] = new JsonArray([.. lists[1].Select(p => (JsonNode)p)]),
                    ["delete"] = new JsonArray([.. lists[2].Select(p => (JsonNode)p)]),
                } : null,
            }))),
        };
    }

    /// <summary>A hash of the JSON content independent of key order and whitespace.</summary>
    private static UInt128 Hash(string json)
    {
        var digest = SHA256.HashData(CanonicalJson.Bytes(JsonNode.Parse(json)));
        return new UInt128(BitConverter.ToUInt64(digest, 0), BitConverter.ToUInt64(digest, 8));
    }
}
