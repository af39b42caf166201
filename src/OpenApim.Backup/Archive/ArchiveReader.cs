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

    /// <summary>Streams the rows of a part, decrypting secrets; the checksum is verified when the part has been read to the end.</summary>
    public IEnumerable<ArchiveRow> ReadPart(ManifestPart part)
    {
        var kind = KindCatalog.Find(part.Kind) ?? throw Corrupted($"it contains the kind '{part.Kind}', unknown to this OpenApim");
        using var stream = new HashingStream(Entry(part).Open());
        using var reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: false, bufferSize: 64 * 1024);
        long count = 0;
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0)
            {
                continue;
            }

            count++;
            yield return ParseRow(kind, part, line, count);
        }

        Check(part, stream, count);
    }

    public void Dispose() => _zip.Dispose();

    private ArchiveRow ParseRow(ResourceKind kind, ManifestPart part, string line, long number)
    {
        try
        {
            using var doc = JsonDocument.Parse(line);
            var root = doc.RootElement;
            var path = root.GetProperty("path").GetString()!;
            if (!BelongsTo(kind, path))
            {
                throw Corrupted($"row {number} of {part.Path} has path '{path}', which is not a {kind.Path} entity");
            }

            var bodyElement = root.GetProperty("body");
            var body = bodyElement.GetRawText();
            if (_cipher is not null && Secrets.Any(kind.Properties))
            {
                var node = JsonNode.Parse(body) as JsonObject ?? [];
                if (node["properties"] is JsonObject properties)
                {
                    Secrets.Transform(properties, kind.Properties, path, (at, value) => _cipher.Decrypt(at, value));
                }

                body = node.ToJsonString();
            }

            var display = bodyElement.TryGetProperty("properties", out var p) && p.ValueKind == JsonValueKind.Object
                && p.TryGetProperty("displayName", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString() : null;
            return new ArchiveRow(path, root.GetProperty("created").GetDateTimeOffset(), root.GetProperty("updated").GetDateTimeOffset(), body, display);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw Corrupted($"row {number} of {part.Path} is not valid ({e.Message})", e);
        }
        catch (CryptographicException e)
        {
            throw new ArchiveException("BackupCorrupted", $"The backup is corrupted: an encrypted secret in {part.Path} row {number} fails authentication.", e);
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
