using System.Globalization;
using System.Text.Json.Nodes;
using OpenApim.Resources.Model;

namespace OpenApim.Backup.Archive;

/// <summary>
/// <c>manifest.json</c>: format version, producer, source service, creation and expiry time (server
/// clock), the snapshot point, and a SHA-256 and count per part. Documented in docs/backup-format.md.
/// </summary>
internal sealed record Manifest(
    Version FormatVersion,
    string Producer,
    SourceService Source,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt,
    long SnapshotEpoch,
    DateTimeOffset SnapshotTakenAt,
    IReadOnlyList<ManifestPart> Parts,
    EncryptionInfo? Encryption)
{
    public const string FileName = "manifest.json";
    public const string Format = "openapim-backup";

    /// <summary>
    /// The version this build writes; it reads every 1.x. 1.1 seals the manifest of an encrypted backup
    /// (<see cref="ManifestSeal"/>) and binds each encrypted secret to the format version.
    /// </summary>
    public static readonly Version Current = new(1, 1);

    /// <summary>The first version whose encrypted backups carry a manifest seal.</summary>
    public static readonly Version Sealed = new(1, 1);

    /// <summary>The journal sequence the snapshot holds every change up to (a replication's base continues after it); null before 1.1 bases.</summary>
    public long? JournalPosition { get; init; }

    public IReadOnlyDictionary<string, long> Counts => Parts.Where(p => p.Kind != ResourceKind.Service.Path).ToDictionary(p => p.Kind, p => p.Count);

    public JsonObject ToJson() => new()
    {
        ["format"] = Format,
        ["formatVersion"] = FormatVersion.ToString(2),
        ["producer"] = Producer,
        ["source"] = new JsonObject
        {
            ["id"] = Source.Id,
            ["name"] = Source.Name,
            ["location"] = Source.Location,
            ["sku"] = new JsonObject { ["name"] = Source.Sku, ["capacity"] = Source.Capacity },
        },
        ["createdAt"] = Time(CreatedAt),
        ["expiresAt"] = Time(ExpiresAt),
        ["snapshot"] = new JsonObject { ["epoch"] = SnapshotEpoch, ["takenAt"] = Time(SnapshotTakenAt), ["journalPosition"] = JournalPosition },
        ["encryption"] = Encryption is null ? null : new JsonObject { ["algorithm"] = Encryption.Algorithm, ["keyId"] = Encryption.KeyId, ["covers"] = "secret property values" },
        ["counts"] = new JsonObject(Counts.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value))),
        ["parts"] = new JsonArray(Parts.Select(p => (JsonNode)new JsonObject
        {
            ["path"] = p.Path,
            ["kind"] = p.Kind,
            ["scope"] = p.Scope.ToString().ToLowerInvariant(),
            ["count"] = p.Count,
            ["bytes"] = p.Bytes,
            ["sha256"] = p.Sha256,
        }).ToArray()),
    };

    /// <summary>Reads a manifest; throws <see cref="FormatException"/> with a clear reason when it is not one this build can read.</summary>
    public static Manifest Parse(JsonNode? json)
    {
        if (json is not JsonObject o || o["format"]?.GetValue<string>() != Format)
        {
            throw new FormatException("manifest.json is not an OpenApim backup manifest.");
        }

        var version = Version.Parse(o["formatVersion"]!.GetValue<string>());
        if (version.Major > Current.Major)
        {
            throw new NotSupportedException(
                $"The backup has format version {version.ToString(2)}, newer than this OpenApim reads ({Current.Major}.x); restore it with a newer OpenApim.");
        }

        var source = o["source"]!;
        var encryption = o["encryption"] as JsonObject;
        return new Manifest(
            version,
            o["producer"]?.GetValue<string>() ?? "unknown",
            new SourceService(
                source["id"]!.GetValue<string>(),
                source["name"]!.GetValue<string>(),
                source["location"]!.GetValue<string>(),
                source["sku"]!["name"]!.GetValue<string>(),
                source["sku"]!["capacity"]!.GetValue<int>()),
            DateTimeOffset.Parse(o["createdAt"]!.GetValue<string>(), CultureInfo.InvariantCulture),
            DateTimeOffset.Parse(o["expiresAt"]!.GetValue<string>(), CultureInfo.InvariantCulture),
            o["snapshot"]!["epoch"]!.GetValue<long>(),
            DateTimeOffset.Parse(o["snapshot"]!["takenAt"]!.GetValue<string>(), CultureInfo.InvariantCulture),
            [.. o["parts"]!.AsArray().Select(p => new ManifestPart(
                p!["path"]!.GetValue<string>(),
                p["kind"]!.GetValue<string>(),
                Enum.Parse<BackupScope>(p["scope"]!.GetValue<string>(), ignoreCase: true),
                p["count"]!.GetValue<long>(),
                p["bytes"]!.GetValue<long>(),
                p["sha256"]!.GetValue<string>()))],
            encryption is null ? null : new EncryptionInfo(encryption["algorithm"]!.GetValue<string>(), encryption["keyId"]!.GetValue<string>()))
        {
            JournalPosition = o["snapshot"]!["journalPosition"]?.GetValue<long>(),
        };
    }

    public static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    /// <summary>Reads a time as <see cref="Time"/> writes it (blob metadata, schedule state); null when absent or not a time.</summary>
    public static DateTimeOffset? ParseTime(string? text) =>
        text is not null && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t : null;
}
