using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using OpenApim.Resources.Kinds.Schema;
using OpenApim.Resources.Model;

namespace OpenApim.Backup.Archive;

/// <summary>
/// Parses one NDJSON line of a part into an <see cref="ArchiveRow"/> without building a document for it, then
/// decrypts its secrets when the archive is encrypted. In an archive that says it is not encrypted, a secret that
/// looks encrypted means the manifest was stripped of its encryption: refused, never restored as a literal key.
/// </summary>
internal sealed class ArchiveRowParser(Version format, SecretCipher? cipher)
{
    private static readonly byte[] EncryptedPrefix = Encoding.UTF8.GetBytes(SecretCipher.Prefix);

    public ArchiveRow Parse(ResourceKind kind, ManifestPart part, ReadOnlySpan<byte> line, long number)
    {
        try
        {
            var reader = new Utf8JsonReader(line);
            string? path = null;
            string? body = null;
            string? display = null;
            ReadOnlySpan<byte> bodyBytes = default;
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
                    bodyBytes = line[from..(int)reader.BytesConsumed];
                    body = Encoding.UTF8.GetString(bodyBytes);
                    display = DisplayName(bodyBytes);
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }

            if (path is null || body is null || created == default || updated == default)
            {
                throw ArchiveReader.Corrupted($"row {number} of {part.Path} lacks path, created, updated or body");
            }

            if (!BelongsTo(kind, path))
            {
                throw ArchiveReader.Corrupted($"row {number} of {part.Path} has path '{path}', which is not a {kind.Path} entity");
            }

            if (Secrets.Any(kind.Properties))
            {
                body = Unseal(kind, part, path, body, bodyBytes, number);
            }

            return new ArchiveRow(path, created, updated, body, display);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException or ArgumentException)
        {
            throw ArchiveReader.Corrupted($"row {number} of {part.Path} is not valid ({e.Message})", e);
        }
        catch (CryptographicException e)
        {
            throw new ArchiveException("BackupCorrupted", $"The backup is corrupted: an encrypted secret in {part.Path} row {number} fails authentication.", e);
        }
    }

    /// <summary>Decrypts the row's secrets, or (unencrypted archive) checks that none of them looks encrypted.</summary>
    private string Unseal(ResourceKind kind, ManifestPart part, string path, string body, ReadOnlySpan<byte> bytes, long number)
    {
        // Unencrypted, a body whose text has no encrypted-looking value and no escape (which could spell one) needs no parse.
        if (cipher is null && !bytes.Contains((byte)'\\') && bytes.IndexOf(EncryptedPrefix) < 0)
        {
            return body;
        }

        var node = JsonNode.Parse(body) as JsonObject ?? [];
        if (node["properties"] is not JsonObject properties)
        {
            return body;
        }

        if (cipher is null)
        {
            Secrets.Transform(properties, kind.Properties, path, (_, value) =>
                value is JsonValue v && v.TryGetValue<string>(out var s) && s.StartsWith(SecretCipher.Prefix, StringComparison.Ordinal)
                    ? throw ArchiveReader.Corrupted($"{part.Path} row {number} holds an encrypted secret, but the manifest says the backup is not encrypted")
                    : value);
            return body;
        }

        Secrets.Transform(properties, kind.Properties, path, (at, value) => cipher.Decrypt(SecretCipher.Context(format, at), value));
        return node.ToJsonString();
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
}
