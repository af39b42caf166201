using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using OpenApim.Backup.Archive;
using OpenApim.Backup.Replication;

namespace OpenApim.Tests.Units;

/// <summary>
/// Replication segments on their own: what is sealed reads back record for record, secrets are encrypted with the backup
/// key, and a torn, edited, renamed, reordered or foreign-key segment is refused, never applied.
/// </summary>
public sealed class SegmentFormatTests
{
    private const string Stream = "replications/contoso/r1";
    private static readonly DateTimeOffset At = new(2026, 12, 1, 10, 2, 0, TimeSpan.Zero);
    private static readonly SegmentRef Listed = new($"{Stream}/segments/0000000003-00000000000000000100-00000000000000000110.ndjson.gz", 3, 100, 110);

    private static readonly SegmentRecord[] Records =
    [
        new(101, At, "subscriptions", "subscriptions/s1", "upsert", 7, """{"properties":{"displayName":"s1","scope":"/apis","state":"active","primaryKey":"segment-secret-key"}}"""),
        new(105, At.AddMilliseconds(20), "apis", "apis/orders", "delete", null, null),
    ];

    private static byte[] Encode(byte[]? key, IReadOnlyList<SegmentRecord>? records = null, long index = 3) =>
        SegmentCodec.Encode(new SegmentHeader(Stream, 1, index, 100, 110, "ab12", At, "/subscriptions/x/service/contoso"), records ?? Records, key);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void What_is_sealed_reads_back_and_secrets_are_encrypted_only_with_a_key(bool encrypted)
    {
        var key = encrypted ? RandomNumberGenerator.GetBytes(32) : null;
        var content = Encode(key);
        Assert.Equal(encrypted, !Text(content).Contains("segment-secret-key", StringComparison.Ordinal));

        var segment = SegmentCodec.Decode(content, Listed, Stream, key);
        Assert.Equal(Records.Select(r => (r.Sequence, r.Operation, r.Path)), segment.Records.Select(r => (r.Sequence, r.Operation, r.Path)));
        Assert.Contains("segment-secret-key", segment.Records[0].Body, StringComparison.Ordinal);
        Assert.Equal("ab12", segment.Header.Previous);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(content)), segment.Sha256);
    }

    [Fact]
    public void A_torn_edited_renamed_or_reordered_segment_is_refused()
    {
        var text = Text(Encode(null));
        var torn = Gzip(text[..(text.LastIndexOf("\n{", StringComparison.Ordinal) + 1)]);
        var edited = Gzip(text.Replace("apis/orders", "apis/billy", StringComparison.Ordinal));
        var renamed = Listed with { Index = 4 };
        var reordered = Encode(null, [Records[1], Records[0]]);

        Assert.Equal("BackupCorrupted", Assert.Throws<ArchiveException>(() => SegmentCodec.Decode(torn, Listed, Stream, null)).Problem);
        Assert.Equal("BackupCorrupted", Assert.Throws<ArchiveException>(() => SegmentCodec.Decode(edited, Listed, Stream, null)).Problem);
        Assert.Equal("BackupCorrupted", Assert.Throws<ArchiveException>(() => SegmentCodec.Decode(Encode(null), renamed, Stream, null)).Problem);
        Assert.Equal("BackupCorrupted", Assert.Throws<ArchiveException>(() => SegmentCodec.Decode(reordered, Listed, Stream, null)).Problem);
        Assert.Equal("BackupCorrupted", Assert.Throws<ArchiveException>(() => SegmentCodec.Decode(Encoding.UTF8.GetBytes("not gzip"), Listed, Stream, null)).Problem);
        Assert.Equal("BackupCorrupted", Assert.Throws<ArchiveException>(() => SegmentCodec.Decode(Encode(null), Listed, "replications/other/r1", null)).Problem);
    }

    [Fact]
    public void An_encrypted_segment_needs_its_own_key_and_its_seal_covers_the_content()
    {
        var key = RandomNumberGenerator.GetBytes(32);
        var content = Encode(key);
        Assert.Equal("EncryptionKeyMissing", Assert.Throws<ArchiveException>(() => SegmentCodec.Decode(content, Listed, Stream, null)).Problem);
        Assert.Equal("EncryptionKeyMismatch", Assert.Throws<ArchiveException>(() => SegmentCodec.Decode(content, Listed, Stream, RandomNumberGenerator.GetBytes(32))).Problem);

        // The trailer's checksum recomputed after an edit: only the seal can tell.
        var lines = Text(content).TrimEnd('\n').Split('\n');
        lines[2] = lines[2].Replace("apis/orders", "apis/billy", StringComparison.Ordinal);
        var body = string.Join('\n', lines[..^1]) + "\n";
        var trailer = System.Text.Json.Nodes.JsonNode.Parse(lines[^1])!.AsObject();
        trailer["sha256"] = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(body)));
        var forged = Gzip(body + trailer.ToJsonString() + "\n");
        Assert.Equal("BackupCorrupted", Assert.Throws<ArchiveException>(() => SegmentCodec.Decode(forged, Listed, Stream, key)).Problem);
    }

    private static string Text(byte[] content)
    {
        using var gzip = new GZipStream(new MemoryStream(content), CompressionMode.Decompress);
        using var reader = new StreamReader(gzip);
        return reader.ReadToEnd();
    }

    private static byte[] Gzip(string text)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(Encoding.UTF8.GetBytes(text));
        }

        return output.ToArray();
    }
}
