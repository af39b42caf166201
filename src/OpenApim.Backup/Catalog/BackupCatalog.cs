using OpenApim.Backup.Archive;
using OpenApim.Backup.Jobs;
using OpenApim.Backup.Replication;
using OpenApim.Backup.Storage;
using OpenApim.Resources.Arm;
using OpenApim.Resources.Hosting;
using OpenApim.Backup.Validation;

namespace OpenApim.Backup.Catalog;

/// <summary>
/// Reads a storage container the way a restore would, without a server: lists its archives from their manifests (ranged
/// reads of each zip's directory and manifest, never by blob timestamps) and its replication streams, and verifies an archive
/// (checksum, format, decryption, every part's count and SHA-256, every row by the management API's rules, expiry) or a
/// stream (its newest base and the chain of segments after it) without restoring anything.
/// </summary>
public sealed class BackupCatalog
{
    private const string StreamsPrefix = "replications/";
    private readonly IBlobTarget _target;
    private readonly byte[]? _encryptionKey;
    private readonly TimeProvider _time;

    private BackupCatalog(IBlobTarget target, byte[]? encryptionKey, TimeProvider time) => (_target, _encryptionKey, _time) = (target, encryptionKey, time);

    internal static BackupCatalog Over(IBlobTarget target, byte[]? encryptionKey, TimeProvider time) => new(target, encryptionKey, time);

    /// <summary>A container of an Azure Blob Storage account (or Azurite) at <paramref name="accountUrl"/>, with its key.</summary>
    public static BackupCatalog Open(Uri accountUrl, string account, string key, string container, byte[]? encryptionKey, TimeSpan timeout, TimeProvider time, HttpClient? http = null)
    {
        try
        {
            return new(AzureBlobTarget.WithKey(accountUrl, account, key, container, timeout, http), encryptionKey, time);
        }
        catch (StorageException e)
        {
            throw new CatalogException(e.Problem.ToString(), e.Message, e);
        }
    }

    public async Task<CatalogListing> ListAsync(CancellationToken ct)
    {
        var blobs = await Translate(() => _target.ListAsync("", ct));
        var archives = new List<CatalogEntry>();
        foreach (var blob in blobs.Where(b => !b.Name.StartsWith(StreamsPrefix, StringComparison.Ordinal)))
        {
            archives.Add(await EntryAsync(blob, ct));
        }

        var chains = new List<CatalogChain>();
        foreach (var stream in blobs.Select(b => StreamOf(b.Name)).OfType<string>().Distinct(StringComparer.Ordinal))
        {
            var listing = await Translate(() => StreamListing.ReadAsync(_target, new StreamAddress(stream), ct));
            var sealedTimes = listing.Segments.Select(s => listing.Blobs[s.Blob].Metadata.TryGetValue(MetadataNames.SealedAt, out var at) ? Manifest.ParseTime(at) : null).OfType<DateTimeOffset>();
            chains.Add(new CatalogChain(
                stream,
                listing.Bases.Count,
                listing.Segments.Count,
                listing.Blobs.Values.Sum(b => b.Bytes),
                listing.Bases.Count > 0 ? listing.TakenAt(listing.Bases[0]) : null,
                listing.Bases.Count > 0 ? listing.TakenAt(listing.Bases[^1]) : null,
                sealedTimes.DefaultIfEmpty().Max() is { } last && last != default ? last : null,
                Math.Max(listing.Segments.Count > 0 ? listing.Segments[^1].Through : 0, listing.Bases.Count > 0 ? listing.Bases[^1].Position : 0)));
        }

        return new CatalogListing([.. archives.OrderByDescending(a => a.CreatedAt ?? DateTimeOffset.MinValue).ThenBy(a => a.Name, StringComparer.Ordinal)], chains);
    }

    /// <summary>One archive's entry; null when the container holds no blob of that name.</summary>
    public async Task<CatalogEntry?> ShowAsync(string name, CancellationToken ct)
    {
        var blob = (await Translate(() => _target.ListAsync(name, ct))).FirstOrDefault(b => b.Name == name);
        return blob is null ? null : await EntryAsync(blob, ct);
    }

    /// <summary>Verifies an archive, or with a stream path (<c>replications/{service}/{replication}</c>) the stream's chain.</summary>
    public async Task<VerifyReport> VerifyAsync(string name, CancellationToken ct)
    {
        var checks = new List<VerifyCheck>();
        try
        {
            var blobs = await Translate(() => _target.ListAsync(name, ct));
            if (blobs.Any(b => b.Name == name))
            {
                await VerifyArchiveAsync(name, checks, ct);
            }
            else if (blobs.Any(b => b.Name.StartsWith(name.TrimEnd('/') + "/", StringComparison.Ordinal) && StreamOf(b.Name) == name.TrimEnd('/')))
            {
                await VerifyStreamAsync(name.TrimEnd('/'), checks, ct);
            }
            else
            {
                return new VerifyReport(name, false, "BlobNotFound", [new VerifyCheck("exists", false, $"The container holds no backup or replication stream named '{name}'.")]);
            }
        }
        catch (Exception e) when (e is ArchiveException or ArmException or InvalidDataException or IOException or FormatException)
        {
            var (code, message) = e switch
            {
                ArchiveException a => (a.Problem, a.Message),
                ArmException { Details.Count: > 0 } arm => (arm.Details[0].Code, arm.Details[0].Message),
                ArmException arm => (arm.Code, arm.Message),
                _ => ("BackupCorrupted", $"The content cannot be read ({e.Message})."),
            };
            checks.Add(new VerifyCheck(code, false, message));
            return new VerifyReport(name, false, code, checks);
        }

        var failed = checks.FirstOrDefault(c => !c.Passed);
        return new VerifyReport(name, failed is null, failed?.Name, checks);
    }

    private async Task VerifyArchiveAsync(string name, List<VerifyCheck> checks, CancellationToken ct)
    {
        var work = Path.Combine(Path.GetTempPath(), $"openapim-verify-{Guid.NewGuid():N}");
        LocalFiles.CreatePrivateDirectory(work);
        try
        {
            var file = Path.Combine(work, "archive.zip");
            var blob = await Translate(() => _target.DownloadAsync(name, file, ct));
            checks.Add(blob.Metadata.TryGetValue("openapim_sha256", out var expected)
                ? new VerifyCheck("checksum", expected == blob.Sha256, expected == blob.Sha256 ? $"SHA-256 {blob.Sha256} as written" : $"SHA-256 {blob.Sha256}, written as {expected}: the blob changed")
                : new VerifyCheck("checksum", true, $"SHA-256 {blob.Sha256} (the blob carries no checksum to compare with)"));
            using var archive = ArchiveReader.Open(file, _encryptionKey);
            CheckContent(archive, checks, ct);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private async Task VerifyStreamAsync(string stream, List<VerifyCheck> checks, CancellationToken ct)
    {
        var work = Path.Combine(Path.GetTempPath(), $"openapim-verify-{Guid.NewGuid():N}");
        LocalFiles.CreatePrivateDirectory(work);
        try
        {
            var file = Path.Combine(work, "replayed.zip");
            var jobs = new JobOptions { WorkDirectory = work, EncryptionKey = _encryptionKey };
            var replayed = await Translate(() => new StreamReplay(jobs, _time).WriteArchiveAsync(_target, Placeholder, new ReplayTarget(stream, null, null), file, null, ct));
            checks.Add(new VerifyCheck("chain", true,
                $"base {replayed.BaseIndex} and {replayed.Segments} segments after it ({replayed.Records} records) chain to journal position {replayed.ReachedPosition}, {Manifest.Time(replayed.ReachedAt)}"));
            using var archive = ArchiveReader.Open(file, _encryptionKey);
            CheckContent(archive, checks, ct);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    /// <summary>The format, decryption, every part against the manifest, every row by the management API's rules, and expiry.</summary>
    private void CheckContent(ArchiveReader archive, List<VerifyCheck> checks, CancellationToken ct)
    {
        var manifest = archive.Manifest;
        checks.Add(new VerifyCheck("format", true, $"{Manifest.Format} {manifest.FormatVersion.ToString(2)} by {manifest.Producer}, from {manifest.Source.Name} ({manifest.Source.Sku})"));
        if (manifest.Encryption is { } encryption)
        {
            checks.Add(new VerifyCheck("decryption", true, $"{encryption.Algorithm} with key {encryption.KeyId}: the key given opens it"));
        }

        var check = ArchiveCheck.Run(archive, archive.ReadService(), _ => true, _ => { }, ct);
        checks.Add(new VerifyCheck("parts", true, $"{manifest.Parts.Count} parts, {check.Rows} rows: every count and SHA-256 matches the manifest"));
        var problems = check.Problems;
        checks.Add(new VerifyCheck("content", problems.Count == 0, problems.Count == 0
            ? "every row passes the management API's rules"
            : string.Join("; ", problems.Take(5).Select(p => $"{p.Target}: {p.Message}")) + (problems.Count > 5 ? $" (and {problems.Count - 5} more)" : "")));
        var now = _time.GetUtcNow();
        checks.Add(new VerifyCheck("expiry", now <= manifest.ExpiresAt, now <= manifest.ExpiresAt
            ? $"restorable until {Manifest.Time(manifest.ExpiresAt)}"
            : $"Cannot restore: backup expired at {Manifest.Time(manifest.ExpiresAt)}"));
    }

    private async Task<CatalogEntry> EntryAsync(StoredBlob blob, CancellationToken ct)
    {
        blob.Metadata.TryGetValue("openapim_schedule", out var schedule);
        try
        {
            // The manifest through ranged reads: the zip's directory and one entry, whatever the archive's size.
            var m = ArchiveReader.ReadManifest(await Translate(() => _target.OpenReadAsync(blob.Name, ct)));
            return new CatalogEntry(blob.Name, blob.Bytes, m.Source.Name, m.Source.Id, m.Source.Sku, m.CreatedAt, m.ExpiresAt, m.FormatVersion.ToString(2), m.Encryption is not null, m.Counts, schedule, null);
        }
        catch (Exception e) when (e is ArchiveException or InvalidDataException or IOException or ArmException or CatalogException or StorageException)
        {
            // Deleted since the listing, changed while read, not an archive: listed with the reason, the rest of the listing goes on.
            return new CatalogEntry(blob.Name, blob.Bytes, null, null, null, null, null, null, false, new Dictionary<string, long>(), schedule, e.Message);
        }
    }

    private static string? StreamOf(string blob)
    {
        var parts = blob.Split('/');
        return parts.Length >= 5 && parts[0] == "replications" ? string.Join('/', parts[..3]) : null;
    }

    /// <summary>Storage failures become <see cref="CatalogException"/>s with the ARM-style code the CLI prints.</summary>
    private static async Task<T> Translate<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (StorageException e)
        {
            throw new CatalogException(e.Problem.ToString(), e.Message, e);
        }
    }

    private static readonly ServiceRef Placeholder = ServiceRef.Parse("00000000-0000-0000-0000-000000000000", "verify", "verify");
}

/// <summary>A container that cannot be read (not found, wrong key, unreachable), with the code the CLI prints.</summary>
public sealed class CatalogException(string code, string message, Exception? inner = null) : Exception(message, inner)
{
    public string Code { get; } = code;
}
