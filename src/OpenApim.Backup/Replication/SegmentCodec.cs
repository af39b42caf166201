using System.Buffers;
using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using OpenApim.Backup.Archive;
using OpenApim.Resources.Kinds;
using OpenApim.Resources.Kinds.Schema;

namespace OpenApim.Backup.Replication;

/// <summary>
/// Writes and reads segments (docs/backup-format.md, "Replication streams"): gzip of NDJSON lines, a header line, one line per
/// record and a trailer with the record count and the SHA-256 of every byte before it, sealed with the backup key when one is
/// set. A segment that is torn, edited, truncated, larger than <see cref="MaxBytes"/> or sealed with another key is refused.
/// </summary>
internal static class SegmentCodec
{
    public const string Format = "openapim-segment";
    public const string FormatVersion = "1.0";

    /// <summary>Compressed and uncompressed size limits (64 and 128 MiB): a segment holds at most a few thousand records.</summary>
    public const long MaxBytes = 64L << 20;
    private const long MaxUncompressed = 128L << 20;

    public static byte[] Encode(SegmentHeader header, IReadOnlyList<SegmentRecord> records, byte[]? key)
    {
        var cipher = key is null ? null : new SecretCipher(key);
        var lines = new ArrayBufferWriter<byte>(1 << 16);
        WriteLine(lines, new JsonObject
        {
            ["format"] = Format,
            ["formatVersion"] = FormatVersion,
            ["stream"] = header.Stream,
            ["generation"] = header.Generation,
            ["index"] = header.Index,
            ["from"] = header.From,
            ["through"] = header.Through,
            ["previous"] = header.Previous,
            ["sealedAt"] = Manifest.Time(header.SealedAt),
            ["source"] = header.SourceId,
            ["encryption"] = cipher is null ? null : new JsonObject { ["algorithm"] = SecretCipher.Algorithm, ["keyId"] = cipher.KeyId },
        });
        foreach (var record in records)
        {
            var line = new JsonObject
            {
                ["seq"] = record.Sequence,
                ["at"] = Manifest.Time(record.At),
                ["kind"] = record.Kind,
                ["path"] = record.Path,
                ["op"] = record.Operation,
                ["version"] = record.Version,
            };
            if (record.Body is not null)
            {
                var body = JsonNode.Parse(record.Body)!.AsObject();
                if (cipher is not null)
                {
                    Transform(body, record, (at, value) => cipher.Encrypt(Context(at), value));
                }

                line["body"] = body;
            }

            WriteLine(lines, line);
        }

        var trailer = new JsonObject { ["records"] = records.Count, ["sha256"] = Convert.ToHexStringLower(SHA256.HashData(lines.WrittenSpan)) };
        if (key is not null)
        {
            ManifestSeal.Sign(trailer, key);
        }

        WriteLine(lines, trailer);
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(lines.WrittenSpan);
        }

        return output.ToArray();
    }

    /// <summary>Reads and verifies a segment against the name it was listed under; throws <see cref="ArchiveException"/> (BackupCorrupted, EncryptionKey*).</summary>
    public static Segment Decode(byte[] content, SegmentRef listed, string stream, byte[]? key)
    {
        byte[] text;
        try
        {
            using var input = new LimitedStream(new GZipStream(new MemoryStream(content), CompressionMode.Decompress), MaxUncompressed,
                () => Corrupted(listed, "it decompresses to more than a segment can hold"));
            using var copy = new MemoryStream();
            input.CopyTo(copy);
            text = copy.ToArray();
        }
        catch (InvalidDataException e)
        {
            throw Corrupted(listed, "it is not gzip", e);
        }

        try
        {
            return Parse(text, listed, stream, key, Convert.ToHexStringLower(SHA256.HashData(content)));
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException or NullReferenceException or KeyNotFoundException or CryptographicException)
        {
            throw Corrupted(listed, e.Message, e);
        }
    }

    private static Segment Parse(byte[] text, SegmentRef listed, string stream, byte[]? key, string sha256)
    {
        var ends = new List<int>();
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == (byte)'\n')
            {
                ends.Add(i);
            }
        }

        if (ends.Count < 2 || ends[^1] != text.Length - 1)
        {
            throw Corrupted(listed, "it has no trailer (torn or truncated)");
        }

        var trailerStart = ends[^2] + 1;
        var trailer = JsonNode.Parse(text.AsSpan(trailerStart, text.Length - trailerStart - 1))!.AsObject();
        if (trailer["sha256"]?.GetValue<string>() != Convert.ToHexStringLower(SHA256.HashData(text.AsSpan(0, trailerStart))))
        {
            throw Corrupted(listed, "its content does not match the checksum in its trailer");
        }

        var head = JsonNode.Parse(text.AsSpan(0, ends[0]))!.AsObject();
        if (head["format"]?.GetValue<string>() != Format || !head["formatVersion"]!.GetValue<string>().StartsWith("1.", StringComparison.Ordinal))
        {
            throw Corrupted(listed, "it is not an OpenApim segment of a version this build reads (1.x)");
        }

        var cipher = Cipher(head, trailer, key, listed);
        var header = new SegmentHeader(
            head["stream"]!.GetValue<string>(),
            head["generation"]!.GetValue<long>(),
            head["index"]!.GetValue<long>(),
            head["from"]!.GetValue<long>(),
            head["through"]!.GetValue<long>(),
            head["previous"]?.GetValue<string>(),
            DateTimeOffset.Parse(head["sealedAt"]!.GetValue<string>(), CultureInfo.InvariantCulture),
            head["source"]!.GetValue<string>());
        if (header.Stream != stream || header.Index != listed.Index || header.From != listed.From || header.Through != listed.Through)
        {
            throw Corrupted(listed, "its header does not match its name (moved or renamed)");
        }

        var records = new List<SegmentRecord>(ends.Count - 2);
        var last = header.From;
        for (var i = 1; i < ends.Count - 1; i++)
        {
            var line = JsonNode.Parse(text.AsSpan(ends[i - 1] + 1, ends[i] - ends[i - 1] - 1))!.AsObject();
            var body = line["body"] as JsonObject;
            var record = new SegmentRecord(
                line["seq"]!.GetValue<long>(),
                DateTimeOffset.Parse(line["at"]!.GetValue<string>(), CultureInfo.InvariantCulture),
                line["kind"]!.GetValue<string>(),
                line["path"]!.GetValue<string>(),
                line["op"]!.GetValue<string>(),
                line["version"]?.GetValue<long>(),
                null);
            if (record.Sequence <= last || record.Sequence > header.Through)
            {
                throw Corrupted(listed, $"record {record.Sequence} is out of order or outside {header.From}..{header.Through}");
            }

            last = record.Sequence;
            if (body is not null && cipher is not null)
            {
                Transform(body, record, (at, value) => cipher.Decrypt(Context(at), value));
            }

            records.Add(record with { Body = body?.ToJsonString() });
        }

        return trailer["records"]!.GetValue<int>() == records.Count
            ? new Segment(header, records, sha256)
            : throw Corrupted(listed, "its record count does not match its trailer");
    }

    private static SecretCipher? Cipher(JsonObject head, JsonObject trailer, byte[]? key, SegmentRef listed)
    {
        if (head["encryption"] is not JsonObject encryption)
        {
            return null;
        }

        if (key is null)
        {
            throw new ArchiveException("EncryptionKeyMissing", $"The replication segment {listed.Index} is encrypted; set OPENAPIM_BACKUP_ENCRYPTION_KEY to the key it was written with.");
        }

        var cipher = new SecretCipher(key);
        if (encryption["keyId"]?.GetValue<string>() != cipher.KeyId)
        {
            throw new ArchiveException("EncryptionKeyMismatch", $"The replication segment {listed.Index} was encrypted with key {encryption["keyId"]}, not with the configured key {cipher.KeyId}.");
        }

        return ManifestSeal.Verify(trailer, key) ? cipher : throw Corrupted(listed, "its seal does not match (edited)");
    }

    /// <summary>Encrypts or decrypts the record's secret values, as its kind declares them.</summary>
    private static void Transform(JsonObject body, SegmentRecord record, Func<string, JsonNode, JsonNode> transform)
    {
        if (KindCatalog.Find(record.Kind) is { } kind && body["properties"] is JsonObject properties)
        {
            Secrets.Transform(properties, kind.Properties, record.Path, transform);
        }
    }

    private static string Context(string location) => $"{Format}/{FormatVersion}|{location}";

    private static void WriteLine(ArrayBufferWriter<byte> lines, JsonObject line)
    {
        using (var writer = new Utf8JsonWriter(lines))
        {
            line.WriteTo(writer);
        }

        lines.Write("\n"u8);
    }

    private static ArchiveException Corrupted(SegmentRef listed, string reason, Exception? inner = null) =>
        new("BackupCorrupted", $"The replication segment {listed.Index} ({listed.Blob}) is corrupted: {reason}.", inner);
}
