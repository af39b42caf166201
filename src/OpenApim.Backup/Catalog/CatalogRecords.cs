namespace OpenApim.Backup.Catalog;

/// <summary>One archive in a container, from its manifest (and its blob's size); <see cref="Problem"/> when it cannot be read.</summary>
public sealed record CatalogEntry(
    string Name,
    long Bytes,
    string? SourceService,
    string? SourceId,
    string? Sku,
    DateTimeOffset? CreatedAt,
    DateTimeOffset? ExpiresAt,
    string? FormatVersion,
    bool Encrypted,
    IReadOnlyDictionary<string, long> Counts,
    string? Schedule,
    string? Problem)
{
    public long Entities => Counts.Values.Sum();

    public bool Expired(DateTimeOffset now) => ExpiresAt is { } at && now > at;
}

/// <summary>One replication stream in a container: its bases and segments, and the restorable window they span.</summary>
public sealed record CatalogChain(string Stream, int Bases, int Segments, long Bytes, DateTimeOffset? OldestBase, DateTimeOffset? NewestBase, DateTimeOffset? LastSealed, long Position);

/// <summary>What a container holds: archives (newest first, by the creation time in their manifests) and replication streams.</summary>
public sealed record CatalogListing(IReadOnlyList<CatalogEntry> Archives, IReadOnlyList<CatalogChain> Chains);

/// <summary>One check of a verification: its name, whether it passed, and what it found.</summary>
public sealed record VerifyCheck(string Name, bool Passed, string Detail);

/// <summary>The verification of an archive or a replication stream, without restoring it; <see cref="Code"/> is the first failure's.</summary>
public sealed record VerifyReport(string Name, bool Passed, string? Code, IReadOnlyList<VerifyCheck> Checks);
