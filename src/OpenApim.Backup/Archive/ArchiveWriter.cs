using System.Buffers;
using System.IO.Compression;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using OpenApim.Resources.Kinds.Schema;
using OpenApim.Resources.Model;

namespace OpenApim.Backup.Archive;

/// <summary>
/// Writes an archive: a zip with <c>service.json</c>, one NDJSON part per kind and <c>manifest.json</c>
/// last (with every part's count and SHA-256). The caller formats rows into chunks of about 1 MiB while
/// a second task compresses and hashes them, so reading the database and deflating overlap; memory
/// holds only a few chunks. Secret values are encrypted when a cipher is given.
/// </summary>
internal sealed class ArchiveWriter : IAsyncDisposable
{
    private const int ChunkSize = 1 << 20;
    private static readonly byte[] NewLine = "\n"u8.ToArray();
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    private readonly ZipArchive _zip;
    private readonly SecretCipher? _cipher;
    private readonly CompressionLevel _compression;
    private readonly List<ManifestPart> _parts = [];
    private readonly Channel<Chunk> _chunks = Channel.CreateBounded<Chunk>(new BoundedChannelOptions(8) { SingleReader = true, SingleWriter = true });
    private readonly Task _consumer;
    private readonly ArrayBufferWriter<byte> _buffer = new(ChunkSize + (64 * 1024));
    private readonly Utf8JsonWriter _json;
    private ResourceKind? _kind;
    private long _rows;

    public ArchiveWriter(Stream output, SecretCipher? cipher, CompressionLevel compression = CompressionLevel.Optimal)
    {
        _zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true);
        _cipher = cipher;
        _compression = compression;
        _json = new Utf8JsonWriter(_buffer);
        _consumer = Task.Run(ConsumeAsync);
    }

    public async ValueTask WriteServiceAsync(JsonObject document, CancellationToken ct)
    {
        await FlushChunkAsync(ct);
        var bytes = JsonSerializer.SerializeToUtf8Bytes(document, Indented);
        await _chunks.Writer.WriteAsync(new Chunk(null, bytes, bytes.Length, 1), ct);
    }

    /// <summary>Appends one row; rows must arrive grouped by kind.</summary>
    public async ValueTask WriteRowAsync(ResourceKind kind, string path, DateTimeOffset created, DateTimeOffset updated, string body, CancellationToken ct)
    {
        if (_kind != kind || _buffer.WrittenCount >= ChunkSize)
        {
            await FlushChunkAsync(ct);
            _kind = kind;
        }

        _json.WriteStartObject();
        _json.WriteString("path", path);
        _json.WriteString("created", Manifest.Time(created));
        _json.WriteString("updated", Manifest.Time(updated));
        _json.WritePropertyName("body");
        _json.WriteRawValue(_cipher is not null && Secrets.Any(kind.Properties) ? Encrypt(kind, path, body) : body, skipInputValidation: true);
        _json.WriteEndObject();
        _json.Flush();
        _json.Reset();
        _buffer.Write(NewLine);
        _rows++;
    }

    /// <summary>Waits for every part to be written, then writes the manifest (which lists them).</summary>
    public async Task FinishAsync(Func<IReadOnlyList<ManifestPart>, Manifest> manifest, CancellationToken ct)
    {
        await FlushChunkAsync(ct);
        _chunks.Writer.Complete();
        await _consumer;
        var entry = _zip.CreateEntry(Manifest.FileName, CompressionLevel.Optimal);
        var json = manifest(_parts).ToJson();
        _cipher?.Seal(json);
        await using (var stream = entry.Open())
        await using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            json.WriteTo(writer);
        }

        _zip.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        _chunks.Writer.TryComplete();
        // The producer's failure is what the caller reports; a consumer failure after it adds nothing.
        await _consumer.ContinueWith(_ => { }, TaskScheduler.Default);

        await _json.DisposeAsync();
        _zip.Dispose();
    }

    private async ValueTask FlushChunkAsync(CancellationToken ct)
    {
        if (_kind is null || _rows == 0)
        {
            return;
        }

        var data = ArrayPool<byte>.Shared.Rent(_buffer.WrittenCount);
        _buffer.WrittenSpan.CopyTo(data);
        var chunk = new Chunk(_kind, data, _buffer.WrittenCount, _rows);
        _buffer.ResetWrittenCount();
        _rows = 0;
        await _chunks.Writer.WriteAsync(chunk, ct);
    }

    /// <summary>Compresses and hashes chunks into zip entries, one entry per kind.</summary>
    private async Task ConsumeAsync()
    {
        OpenPart? open = null;
        try
        {
            await foreach (var chunk in _chunks.Reader.ReadAllAsync())
            {
                if (chunk.Kind is null)
                {
                    Close(ref open);
                    using var stream = new HashingStream(_zip.CreateEntry(PartNames.Service, _compression).Open());
                    stream.Write(chunk.Data, 0, chunk.Length);
                    _parts.Add(new ManifestPart(PartNames.Service, ResourceKind.Service.Path, BackupScope.Configuration, 1, stream.Bytes, stream.Sha256()));
                    continue;
                }

                if (open?.Kind != chunk.Kind)
                {
                    Close(ref open);
                    open = new OpenPart(chunk.Kind, new HashingStream(_zip.CreateEntry(PartNames.For(chunk.Kind.Path), _compression).Open()));
                }

                open.Stream.Write(chunk.Data, 0, chunk.Length);
                open.Count += chunk.Rows;
                ArrayPool<byte>.Shared.Return(chunk.Data);
            }

            Close(ref open);
        }
        catch (Exception e)
        {
            // Unblock the producer: its next write fails with this error instead of waiting forever.
            _chunks.Writer.TryComplete(e);
            open?.Stream.Dispose();
            throw;
        }
    }

    private void Close(ref OpenPart? open)
    {
        if (open is null)
        {
            return;
        }

        var part = new ManifestPart(PartNames.For(open.Kind.Path), open.Kind.Path, open.Kind.Backup, open.Count, open.Stream.Bytes, open.Stream.Sha256());
        open.Stream.Dispose();
        _parts.Add(part);
        open = null;
    }

    private string Encrypt(ResourceKind kind, string path, string body)
    {
        var doc = JsonNode.Parse(body) as JsonObject ?? [];
        if (doc["properties"] is JsonObject properties)
        {
            Secrets.Transform(properties, kind.Properties, path, (at, value) => _cipher!.Encrypt(SecretCipher.Context(Manifest.Current, at), value));
        }

        return doc.ToJsonString();
    }

    private sealed record Chunk(ResourceKind? Kind, byte[] Data, int Length, long Rows);

    private sealed class OpenPart(ResourceKind kind, HashingStream stream)
    {
        public ResourceKind Kind { get; } = kind;

        public HashingStream Stream { get; } = stream;

        public long Count { get; set; }
    }
}
