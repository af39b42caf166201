using System.IO.Compression;
using System.Text.Json;
using System.Text.Json.Nodes;
using OpenApim.Resources.Kinds;
using OpenApim.Resources.Model;

namespace OpenApim.Backup.Archive;

/// <summary>
/// Reads an archive from a local file (or a seekable remote stream): the manifest first (rejecting newer major versions, checking the seal of an
/// encrypted one), then parts as streams of rows, each checked against the manifest's count, size and SHA-256. No
/// entry is read past the size its manifest declares or past <see cref="ArchiveLimits"/>, so a crafted archive is
/// refused before memory grows.
/// </summary>
internal sealed class ArchiveReader : IDisposable
{
    private readonly ZipArchive _zip;
    private readonly ArchiveRowParser _rows;
    private (string Path, byte[]? Key)? _file;

    private ArchiveReader(ZipArchive zip, Manifest manifest, SecretCipher? cipher)
    {
        _zip = zip;
        Manifest = manifest;
        _rows = new ArchiveRowParser(manifest.FormatVersion, cipher);
    }

    public Manifest Manifest { get; }

    public static ArchiveReader Open(string path, byte[]? key)
    {
        var reader = Open(File.OpenRead(path), key);
        reader._file = (path, key);
        return reader;
    }

    /// <summary>
    /// A second reader of the same local file (its own handle and decompressors), for reading other parts on another thread;
    /// null for an archive read from a stream.
    /// </summary>
    public ArchiveReader? Reopen() => _file is var (path, key) ? Open(path, key) : null;

    /// <summary>Reads an archive from a seekable stream (owned from here on): only the entries asked for are read from it.</summary>
    public static ArchiveReader Open(Stream content, byte[]? key) => Open(content, key, manifestOnly: false);

    /// <summary>Just the manifest (an encrypted archive's too, without its key): for listing what a container holds.</summary>
    public static Manifest ReadManifest(Stream content)
    {
        using var reader = Open(content, null, manifestOnly: true);
        return reader.Manifest;
    }

    private static ArchiveReader Open(Stream content, byte[]? key, bool manifestOnly)
    {
        ZipArchive zip;
        try
        {
            zip = new ZipArchive(content, ZipArchiveMode.Read);
        }
        catch (Exception e) when (e is InvalidDataException or ArgumentException or EndOfStreamException)
        {
            // A blob too short for a zip's directory makes a remote stream refuse the seek (ArgumentException).
            content.Dispose();
            throw new ArchiveException("BackupCorrupted", "The backup is corrupted: it is not a readable OpenApim archive (zip).", e);
        }
        catch
        {
            content.Dispose();
            throw;
        }

        try
        {
            if (zip.Entries.Count > ArchiveLimits.MaxEntries)
            {
                throw Corrupted($"it has {zip.Entries.Count} entries; an OpenApim archive has at most {ArchiveLimits.MaxEntries}");
            }

            var entry = zip.GetEntry(Manifest.FileName) ?? throw Corrupted("it has no manifest.json");
            JsonObject json;
            using (var stream = new LimitedStream(entry.Open(), ArchiveLimits.MaxDocumentBytes, () => Corrupted("manifest.json is larger than a manifest can be")))
            {
                json = JsonNode.Parse(stream) as JsonObject ?? throw new FormatException("manifest.json is not a JSON object");
            }

            var manifest = Manifest.Parse(json);
            CheckSizes(manifest);
            return new ArchiveReader(zip, manifest, manifestOnly ? null : Cipher(manifest, json, key));
        }
        catch (Exception e) when (e is JsonException or FormatException or KeyNotFoundException or NullReferenceException or InvalidOperationException
            or InvalidDataException or ArgumentException or OverflowException)
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
        var part = Manifest.Parts.FirstOrDefault(p => p.Kind == ResourceKind.Service.Path) ?? throw Corrupted("the manifest lists no service.json");
        if (part.Bytes > ArchiveLimits.MaxDocumentBytes)
        {
            throw Corrupted("service.json is larger than a service document can be");
        }

        using var stream = new HashingStream(Open(part));
        var bytes = new MemoryStream();
        stream.CopyTo(bytes);
        Check(part, stream, 1);
        try
        {
            return JsonNode.Parse(bytes.ToArray(), documentOptions: new JsonDocumentOptions { AllowDuplicateProperties = false }) as JsonObject
                ?? throw Corrupted("service.json is not a JSON object");
        }
        catch (JsonException e)
        {
            throw Corrupted($"service.json is not valid JSON ({e.Message})", e);
        }
    }

    /// <summary>The entity parts, in manifest order.</summary>
    public IEnumerable<ManifestPart> EntityParts => Manifest.Parts.Where(p => p.Kind != ResourceKind.Service.Path);

    /// <summary>Streams the rows of a part, decrypting secrets; the checksum is verified when the part has been read to the end.</summary>
    public IEnumerable<ArchiveRow> ReadPart(ManifestPart part)
    {
        var kind = KindCatalog.Find(part.Kind) ?? throw Corrupted($"it contains the kind '{part.Kind}', unknown to this OpenApim");
        using var stream = new HashingStream(Open(part));
        long count = 0;
        foreach (var line in ArchiveLines.Read(stream, ArchiveLimits.MaxRowBytes, () => Corrupted($"a row of {part.Path} is longer than {ArchiveLimits.MaxRowBytes} bytes")))
        {
            if (++count > part.Count)
            {
                throw Corrupted($"the part {part.Path} has more rows than its manifest says");
            }

            yield return _rows.Parse(kind, part, line.Span, count);
        }

        Check(part, stream, count);
    }

    public void Dispose() => _zip.Dispose();

    /// <summary>The cipher for an encrypted archive (after checking the key and, from 1.1, the manifest's seal).</summary>
    private static SecretCipher? Cipher(Manifest manifest, JsonObject json, byte[]? key)
    {
        if (manifest.Encryption is not { } encryption)
        {
            return null;
        }

        if (key is null)
        {
            throw new ArchiveException("EncryptionKeyMissing",
                $"The backup's secrets are encrypted (key {encryption.KeyId}) and no OPENAPIM_BACKUP_ENCRYPTION_KEY is configured on this server.");
        }

        var cipher = new SecretCipher(key);
        if (cipher.KeyId != encryption.KeyId)
        {
            throw new ArchiveException("EncryptionKeyMismatch",
                $"The backup's secrets are encrypted with key {encryption.KeyId}, but this server's OPENAPIM_BACKUP_ENCRYPTION_KEY is {cipher.KeyId}.");
        }

        if (manifest.FormatVersion >= Manifest.Sealed && !cipher.IsSealed(json))
        {
            throw Corrupted("manifest.json was changed after the backup was written (its seal does not match)");
        }

        return cipher;
    }

    /// <summary>Refuses declared sizes no real backup has, before any part is read.</summary>
    private static void CheckSizes(Manifest manifest)
    {
        long total = 0;
        foreach (var part in manifest.Parts)
        {
            if (part.Bytes < 0 || part.Count < 0 || part.Bytes > ArchiveLimits.MaxPartBytes)
            {
                throw Corrupted($"the manifest declares {part.Bytes} bytes for {part.Path}");
            }

            total += part.Bytes;
        }

        if (total > ArchiveLimits.MaxArchiveBytes)
        {
            throw Corrupted($"the manifest declares {total} bytes in all, more than this server restores ({ArchiveLimits.MaxArchiveBytes})");
        }
    }

    /// <summary>The part's entry, cut off one byte past the size its manifest declares.</summary>
    private LimitedStream Open(ManifestPart part)
    {
        var entry = _zip.GetEntry(part.Path) ?? throw Corrupted($"the part {part.Path} is missing");
        return new LimitedStream(entry.Open(), part.Bytes, () => Corrupted($"the part {part.Path} is larger than its manifest says ({part.Bytes} bytes)"));
    }

    private static void Check(ManifestPart part, HashingStream stream, long count)
    {
        if (count != part.Count || stream.Bytes != part.Bytes || stream.Sha256() != part.Sha256)
        {
            throw Corrupted($"the part {part.Path} does not match its checksum in the manifest");
        }
    }

    internal static ArchiveException Corrupted(string why, Exception? inner = null) => new("BackupCorrupted", $"The backup is corrupted: {why}.", inner);
}
