using System.Globalization;

namespace OpenApim.Backup.Replication;

/// <summary>
/// Where one replication stream lives in its container (<c>replications/{service}/{replication}</c>) and how its blobs are
/// named. Names carry the chain positions, so a listing alone orders bases and segments; contents carry the checksums.
/// </summary>
internal sealed record StreamAddress(string Path)
{
    public string Lease => $"{Path}/lease";

    public string BasePrefix => $"{Path}/bases/";

    public string SegmentPrefix => $"{Path}/segments/";

    public string GenerationPrefix => $"{Path}/generations/";

    /// <summary>Base <paramref name="index"/>: the service as it was at journal <paramref name="position"/>; segment <paramref name="index"/> continues it.</summary>
    public string Base(long index, long position) => $"{BasePrefix}{index:D10}-{position:D20}.zip";

    /// <summary>Segment <paramref name="index"/>: the service's records after <paramref name="from"/> up to and including <paramref name="through"/>.</summary>
    public string Segment(long index, long from, long through) => $"{SegmentPrefix}{index:D10}-{from:D20}-{through:D20}.ndjson.gz";

    public string Generation(long generation) => $"{GenerationPrefix}{generation:D10}.json";

    /// <summary>The lease of the one node that applies this stream to the standby service <paramref name="standbyKey"/>.</summary>
    public string FollowerLease(string standbyKey) =>
        $"{Path}/followers/{Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(standbyKey)))[..16]}";

    public static BaseRef? ParseBase(string blob, string prefix) =>
        Numbers(blob, prefix, ".zip", 2) is [var index, var position] ? new BaseRef(blob, index, position) : null;

    public static SegmentRef? ParseSegment(string blob, string prefix) =>
        Numbers(blob, prefix, ".ndjson.gz", 3) is [var index, var from, var through] && from < through ? new SegmentRef(blob, index, from, through) : null;

    public static long? ParseGeneration(string blob, string prefix) =>
        Numbers(blob, prefix, ".json", 1) is [var generation] ? generation : null;

    private static long[]? Numbers(string blob, string prefix, string suffix, int count)
    {
        if (!blob.StartsWith(prefix, StringComparison.Ordinal) || !blob.EndsWith(suffix, StringComparison.Ordinal))
        {
            return null;
        }

        var parts = blob[prefix.Length..^suffix.Length].Split('-');
        var numbers = new long[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            if (parts[i].Length == 0 || !parts[i].All(char.IsAsciiDigit) || !long.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out numbers[i]))
            {
                return null;
            }
        }

        return numbers.Length == count ? numbers : null;
    }
}

/// <summary>A base in a stream's listing.</summary>
internal sealed record BaseRef(string Blob, long Index, long Position);

/// <summary>A sealed segment in a stream's listing.</summary>
internal sealed record SegmentRef(string Blob, long Index, long From, long Through);
