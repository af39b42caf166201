using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using OpenApim.Resources.Kinds;
using OpenApim.Resources.Kinds.Schema;

namespace OpenApim.Backup.Archive;

/// <summary>A reason an archive cannot be used: corrupted, unreadable, or needs a key we lack.</summary>
public sealed class ArchiveException(string problem, string message, Exception? inner = null) : Exception(message, inner)
{
    public string Problem { get; } = problem;
}

/// <summary>
/// Reads an archive from a local file: the manifest first (rejecting newer major versions), then parts
/// as streams of rows, each checked against the manifest's count and SHA-256 when it has been read to the end.
/// </summary>
internal sealed class ArchiveReader : IDisposable
{
    private readonly ZipArchive _zip;
    private readonly SecretCipher? _cipher;

    private ArchiveReader(ZipArchive zip, Manifest manifest, SecretCipher? cipher)
    {
        _zip = zip;
        Manifest = manifest;
        _cipher = cipher;
    }

    public Manifest Manifest { get; }

    public static ArchiveReader Open(string path, byte[]? key)
    {
        ZipArchive zip;
        try
        {
            zip = new ZipArchive(File.OpenRead(path), ZipArchiveMode.Read);
        }
        catch (InvalidDataException e)
        {
            throw new ArchiveException("BackupCorrupted", "The backup is corrupted: it is not a readable OpenApim archive (zip).", e);
        }

        try
        {
            var entry = zip.GetEntry(Manifest.FileName) ?? throw new ArchiveException("BackupCorrupted", "The backup is corrupted: it has no manifest.json.");
            Manifest manifest;
            using (var stream = entry.Open())
            {
                manifest = Manifest.Parse(JsonNode.Parse(stream));
            }

            SecretCipher? cipher = null;
            if (manifest.Encryption is { } encryption)
            {
                if (key is null)
                {
                    throw new ArchiveException("EncryptionKeyMissing",
                        $"The backup's secrets are encrypted (key {encryption.KeyId}) and no OPENAPIM_BACKUP_ENCRYPTION_KEY is configured on this server.");
                }

                cipher = new SecretCipher(key);
                if (cipher.KeyId != encryption.KeyId)
                {
                    throw new ArchiveException("EncryptionKeyMismatch",
                        $"The backup's secrets are encrypted with key {encryption.KeyId}, but this server's OPENAPIM_BACKUP_ENCRYPTION_KEY is {cipher.KeyId}.");
                }
            }

            return new ArchiveReader(zip, manifest, cipher);
        }
        catch (Exception e) when (e is JsonException or FormatException or KeyNotFoundException or NullReferenceException or InvalidOperationException or InvalidDataException)
        {
            zip.Dispose();
            throw new ArchiveException("BackupCorrupted", $"The backup is corrupted: manifest.json cannot be read ({e.Message}).", e);
        }
        catch (NotSupportedException e)
        {
            zip.Dispose();
            throw new ArchiveException("UnsupportedFormatVersion", e.Message, e);
        }
        catch
        {
            zip.Dispose();
            throw;
        }
    }

    public JsonObject ReadService()
    {
        var part = Manifest.Parts.FirstOrDefault(p => p.Kind == "service") ?? throw Corrupted("the manifest lists no service.json");
        using var stream = new HashingStream(Entry(part).Open());
        var bytes = new MemoryStream();
        stream.CopyTo(bytes);
        Check(part, stream, 1);
        return JsonNode.Parse(bytes.ToArray()) as JsonObject ?? throw Corrupted("service.json is not a JSON object");
    }

    /// <summary>The entity parts, in manifest order.</summary>
    public IEnumerable<ManifestPart> EntityParts => Manifest.Parts.Where(p => p.Kind != "service");

    /// <summary>Checks a part's row count, size and SHA-256 without parsing its rows.</summary>
    public void VerifyPart(ManifestPart part)
    {
        if (KindCatalog.Find(part.Kind) is null)
        {
            throw Corrupted($"it contains the kind '{part.Kind}', unknown to this OpenApim");
        }

        using var stream = new HashingStream(Entry(part).Open());
        var buffer = new byte[1 << 16];
        long lines = 0;
        int read;
        while ((read = stream.Read(buffer)) > 0)
        {
            lines += buffer.AsSpan(0, read).Count((byte)'\n');
        }

        Check(part, stream, lines);
    }

    /// <summary>Streams the rows of a part, decrypting secrets; the checksum is verified when the part has been read to the end.</summary>
    public IEnumerable<ArchiveRow> ReadPart(ManifestPart part)
    {
        var kind = KindCatalog.Find(part.Kind) ?? throw Corrupted($"it contains the kind '{part.Kind}', unknown to this OpenApim");
        using var stream = new HashingStream(Entry(part).Open());
        long count = 0;
        foreach (var line in Lines(stream))
        {
            count++;
            yield return ParseRow(kind, part, line.Span, count);
        }

        Check(part, stream, count);
    }

    public void Dispose() => _zip.Dispose();

    /// <summary>Splits a stream into lines without decoding it; a line may span buffers and be of any length.</summary>
    private static IEnumerable<ReadOnlyMemory<byte>> Lines(Stream stream)
    {
        var buffer = new byte[1 << 17];
        int start = 0, end = 0;
        while (true)
        {
            var newline = Array.IndexOf(buffer, (byte)'\n', start, end - start);
            if (newline >= 0)
            {
                if (newline > start)
                {
                    yield return buffer.AsMemory(start, newline - start);
                }

                start = newline + 1;
                continue;
            }

            if (start > 0)
            {
                Buffer.BlockCopy(buffer, start, buffer, 0, end - start);
                end -= start;
                start = 0;
            }
            else if (end == buffer.Length)
            {
                Array.Resize(ref buffer, buffer.Length * 2);
            }

            var read = stream.Read(buffer, end, buffer.Length - end);
            if (read == 0)
            {
                if (end > start)
                {
                    yield return buffer.AsMemory(start, end - start);
                }

                yield break;
            }

            end += read;
        }
    }

    private ArchiveRow ParseRow(ResourceKind kind, ManifestPart part, ReadOnlySpan<byte> line, long number)
    {
        try
        {
            var reader = new Utf8JsonReader(line);
            string? path = null;
            string? body = null;
            string? display = null;
            DateTimeOffset created = default, updated = default;
            Expect(reader.Read() && reader.TokenType == JsonTokenType.StartObject);
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("path"u8))
                {
                    reader.Read();
                    path = reader.GetString();
                }
                else if (reader.ValueTextEquals("created"u8))
                {
                    reader.Read();
                    created = reader.GetDateTimeOffset();
                }
                else if (reader.ValueTextEquals("updated"u8))
                {
                    reader.Read();
                    updated = reader.GetDateTimeOffset();
                }
                else if (reader.ValueTextEquals("body"u8))
                {
                    reader.Read();
                    Expect(reader.TokenType == JsonTokenType.StartObject);
                    var from = (int)reader.TokenStartIndex;
                    reader.Skip();
                    var slice = line[from..(int)reader.BytesConsumed];
                    body = Encoding.UTF8.GetString(slice);
                    display = DisplayName(slice);
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }

            if (path is null || body is null || created == default || updated == default)
            {
                throw Corrupted($"row {number} of {part.Path} lacks path, created, updated or body");
            }

            if (!BelongsTo(kind, path))
            {
                throw Corrupted($"row {number} of {part.Path} has path '{path}', which is not a {kind.Path} entity");
            }

            if (_cipher is not null && Secrets.Any(kind.Properties))
            {
                var node = JsonNode.Parse(body) as JsonObject ?? [];
                if (node["properties"] is JsonObject properties)
                {
                    Secrets.Transform(properties, kind.Properties, path, (at, value) => _cipher.Decrypt(at, value));
                }

                body = node.ToJsonString();
            }

            return new ArchiveRow(path, created, updated, body, display);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            throw Corrupted($"row {number} of {part.Path} is not valid ({e.Message})", e);
        }
        catch (CryptographicException e)
        {
            throw new ArchiveException("BackupCorrupted", $"The backup is corrupted: an encrypted secret in {part.Path} row {number} fails authentication.", e);
        }
    }

    /// <summary>Reads <c>properties.displayName</c> of a body, if it is a string.</summary>
    private static string? DisplayName(ReadOnlySpan<byte> body)
    {
        var reader = new Utf8JsonReader(body);
        reader.Read();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isProperties = reader.ValueTextEquals("properties"u8);
            reader.Read();
            if (!isProperties || reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                continue;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isDisplay = reader.ValueTextEquals("displayName"u8);
                reader.Read();
                if (isDisplay && reader.TokenType == JsonTokenType.String)
                {
                    return reader.GetString();
                }

                reader.Skip();
            }

            return null;
        }

        return null;
    }

    private static void Expect(bool condition)
    {
        if (!condition)
        {
            throw new JsonException("unexpected JSON structure");
        }
    }

    /// <summary>True when <paramref name="path"/> (name/value pairs) addresses an entity of <paramref name="kind"/>.</summary>
    private static bool BelongsTo(ResourceKind kind, string path)
    {
        var segments = path.Split('/');
        var kindSegments = kind.Path.Split('/');
        if (segments.Length != kindSegments.Length * 2)
        {
            return false;
        }

        for (var i = 0; i < kindSegments.Length; i++)
        {
            if (!segments[i * 2].Equals(kindSegments[i], StringComparison.OrdinalIgnoreCase) || segments[(i * 2) + 1].Length == 0)
            {
                return false;
            }
        }

        return true;
    }

    private ZipArchiveEntry Entry(ManifestPart part) => _zip.GetEntry(part.Path) ?? throw Corrupted($"the part {part.Path} is missing");

    private static void Check(ManifestPart part, HashingStream stream, long count)
    {
        if (count != part.Count || stream.Bytes != part.Bytes || stream.Sha256() != part.Sha256)
        {
            throw Corrupted($"the part {part.Path} does not match its checksum in the manifest");
        }
    }

    private static ArchiveException Corrupted(string why, Exception? inner = null) => new("BackupCorrupted", $"The backup is corrupted: {why}.", inner);
}
