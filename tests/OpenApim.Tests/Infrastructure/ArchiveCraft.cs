using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace OpenApim.Tests.Infrastructure;

/// <summary>
/// Builds crafted backups from a real one: change an entry, optionally recompute the manifest's per-part counts,
/// sizes and hashes (so the archive passes its checksums and only the content is wrong), edit the manifest, zip again.
/// </summary>
public sealed class ArchiveCraft
{
    private readonly Dictionary<string, byte[]> _entries;
    private readonly Dictionary<string, Action<Stream>> _streamed = [];

    public ArchiveCraft(byte[] archive) => _entries = Azurite.Unzip(archive);

    public JsonObject Manifest => JsonNode.Parse(_entries["manifest.json"])!.AsObject();

    public string Text(string entry) => Encoding.UTF8.GetString(_entries[entry]);

    public ArchiveCraft Set(string entry, string text)
    {
        _entries[entry] = Encoding.UTF8.GetBytes(text);
        return this;
    }

    /// <summary>An entry written by <paramref name="write"/> when the archive is built (for entries too large to hold).</summary>
    public ArchiveCraft Stream(string entry, Action<Stream> write)
    {
        _streamed[entry] = write;
        return this;
    }

    public ArchiveCraft EditManifest(Action<JsonObject> edit)
    {
        var manifest = Manifest;
        edit(manifest);
        _entries["manifest.json"] = Encoding.UTF8.GetBytes(manifest.ToJsonString());
        return this;
    }

    /// <summary>Makes the manifest's count, bytes and sha256 of every held part match the entries again (listing parts it lacked).</summary>
    public ArchiveCraft Rehash() => EditManifest(m =>
    {
        var parts = m["parts"]!.AsArray();
        foreach (var path in _entries.Keys.Where(k => k.StartsWith("parts/", StringComparison.Ordinal)))
        {
            if (!parts.OfType<JsonObject>().Any(p => p["path"]!.GetValue<string>() == path))
            {
                var kind = path["parts/".Length..^".ndjson".Length].Replace('.', '/');
                parts.Add(new JsonObject { ["path"] = path, ["kind"] = kind, ["scope"] = "configuration" });
            }
        }

        foreach (var part in parts.OfType<JsonObject>())
        {
            var path = part["path"]!.GetValue<string>();
            if (_entries.TryGetValue(path, out var bytes))
            {
                part["bytes"] = bytes.Length;
                part["sha256"] = Convert.ToHexStringLower(SHA256.HashData(bytes));
                part["count"] = path == "service.json" ? 1 : bytes.Count(b => b == (byte)'\n');
            }
        }
    });

    public byte[] Build()
    {
        using var output = new MemoryStream();
        using (var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, write) in _streamed)
            {
                // Streamed entries are the big ones (zip bombs): packed as tightly as deflate can.
                using var stream = zip.CreateEntry(name, CompressionLevel.SmallestSize).Open();
                write(stream);
            }

            foreach (var (name, bytes) in _entries.Where(e => !_streamed.ContainsKey(e.Key)).OrderBy(e => e.Key == "manifest.json"))
            {
                using var stream = zip.CreateEntry(name, CompressionLevel.Fastest).Open();
                stream.Write(bytes);
            }
        }

        return output.ToArray();
    }
}
