using System.IO.Compression;
using System.Text.Json;
using System.Text.Json.Nodes;
using OpenApim.Resources.Kinds;
using OpenApim.Resources.Kinds.Schema;

namespace OpenApim.Backup.Archive;

/// <summary>
/// Writes an archive: a zip with <c>service.json</c>, one NDJSON part per kind and <c>manifest.json</c>
/// last (with every part's count and SHA-256). Rows stream through; nothing is held in memory but the
/// row being written. Secret values are encrypted when a cipher is given.
/// </summary>
internal sealed class ArchiveWriter : IDisposable
{
    private static readonly byte[] NewLine = "\n"u8.ToArray();
    private readonly ZipArchive _zip;
    private readonly SecretCipher? _cipher;
    private readonly List<ManifestPart> _parts = [];
    private OpenPart? _current;

    public ArchiveWriter(Stream output, SecretCipher? cipher)
    {
        _zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true);
        _cipher = cipher;
    }

    public IReadOnlyList<ManifestPart> Parts => _parts;

    public void WriteService(JsonObject document)
    {
        ClosePart();
        using var stream = new HashingStream(_zip.CreateEntry(PartNames.Service, CompressionLevel.Optimal).Open());
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            document.WriteTo(writer);
        }

        _parts.Add(new ManifestPart(PartNames.Service, "service", BackupScope.Configuration, 1, stream.Bytes, stream.Sha256()));
    }

    /// <summary>Appends one row; rows must arrive grouped by kind.</summary>
    public void WriteRow(ResourceKind kind, string path, DateTimeOffset created, DateTimeOffset updated, string body)
    {
        if (_current?.Kind != kind)
        {
            ClosePart();
            var stream = new HashingStream(_zip.CreateEntry(PartNames.For(kind.Path), CompressionLevel.Optimal).Open());
            _current = new OpenPart(kind, stream, new Utf8JsonWriter(stream));
        }

        var w = _current.Writer;
        w.WriteStartObject();
        w.WriteString("path", path);
        w.WriteString("created", Manifest.Time(created));
        w.WriteString("updated", Manifest.Time(updated));
        w.WritePropertyName("body");
        w.WriteRawValue(_cipher is not null && Secrets.Any(kind.Properties) ? Encrypt(kind, path, body) : body, skipInputValidation: true);
        w.WriteEndObject();
        w.Flush();
        w.Reset();
        _current.Stream.Write(NewLine);
        _current.Count++;
    }

    /// <summary>Closes the last part and writes the manifest (which lists every part).</summary>
    public void Finish(Func<IReadOnlyList<ManifestPart>, Manifest> manifest)
    {
        ClosePart();
        var entry = _zip.CreateEntry(Manifest.FileName, CompressionLevel.Optimal);
        using (var stream = entry.Open())
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            manifest(_parts).ToJson().WriteTo(writer);
        }

        _zip.Dispose();
    }

    public void Dispose()
    {
        _current?.Writer.Dispose();
        _current?.Stream.Dispose();
        _zip.Dispose();
    }

    private string Encrypt(ResourceKind kind, string path, string body)
    {
        var doc = JsonNode.Parse(body) as JsonObject ?? [];
        if (doc["properties"] is JsonObject properties)
        {
            Secrets.Transform(properties, kind.Properties, path, (at, value) => _cipher!.Encrypt(at, value));
        }

        return doc.ToJsonString();
    }

    private void ClosePart()
    {
        if (_current is null)
        {
            return;
        }

        _current.Writer.Dispose();
        var part = new ManifestPart(PartNames.For(_current.Kind.Path), _current.Kind.Path, _current.Kind.Backup, _current.Count, _current.Stream.Bytes, _current.Stream.Sha256());
        _current.Stream.Dispose();
        _parts.Add(part);
        _current = null;
    }

    private sealed class OpenPart(ResourceKind kind, HashingStream stream, Utf8JsonWriter writer)
    {
        public ResourceKind Kind { get; } = kind;

        public HashingStream Stream { get; } = stream;

        public Utf8JsonWriter Writer { get; } = writer;

        public long Count { get; set; }
    }
}
