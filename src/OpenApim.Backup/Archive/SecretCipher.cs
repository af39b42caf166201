using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace OpenApim.Backup.Archive;

/// <summary>
/// AES-256-GCM for secret values inside an archive. The nonce is derived from the key, the value's
/// location and the plaintext (as in AES-GCM-SIV), so the same content encrypts the same way and a
/// backup of restored content is byte-identical; it reveals only that two equal secrets are equal.
/// An encrypted value is the string <c>enc:v1:{base64(nonce|ciphertext|tag)}</c> of the value's JSON text.
/// </summary>
internal sealed class SecretCipher(byte[] key)
{
    /// <summary>How every encrypted value starts.</summary>
    public const string Prefix = "enc:v1:";
    public const string Algorithm = "AES-256-GCM";

    public string KeyId { get; } = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(key))[..16];

    /// <summary>
    /// The associated data of a secret at <paramref name="location"/> in an archive of <paramref name="format"/>: from 1.1 on it
    /// names the format, so relabelling a sealed 1.1 archive as an unsealed 1.0 one makes every secret fail authentication.
    /// </summary>
    public static string Context(Version format, string location) =>
        format >= Manifest.Sealed ? $"openapim-backup/{format.ToString(2)}|{location}" : location;

    /// <summary>Adds the manifest seal (format 1.1 and later).</summary>
    public void Seal(JsonObject manifest) => ManifestSeal.Sign(manifest, key);

    /// <summary>True when the manifest's seal was made with this key over exactly this content.</summary>
    public bool IsSealed(JsonObject manifest) => ManifestSeal.Verify(manifest, key);

    public JsonNode Encrypt(string context, JsonNode value)
    {
        var plain = Encoding.UTF8.GetBytes(value.ToJsonString());
        var nonce = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(context + "\0").Concat(plain).ToArray())[..12];
        var cipher = new byte[plain.Length];
        var tag = new byte[16];
        using (var aes = new AesGcm(key, tag.Length))
        {
            aes.Encrypt(nonce, plain, cipher, tag, Encoding.UTF8.GetBytes(context));
        }

        return JsonValue.Create(Prefix + Convert.ToBase64String([.. nonce, .. cipher, .. tag]));
    }

    /// <summary>Decrypts a value written by <see cref="Encrypt"/>; throws <see cref="CryptographicException"/> when it was tampered with.</summary>
    public JsonNode Decrypt(string context, JsonNode value)
    {
        var text = value is JsonValue v && v.TryGetValue<string>(out var s) && s.StartsWith(Prefix, StringComparison.Ordinal)
            ? s[Prefix.Length..]
            : throw new CryptographicException($"The secret at {context} is not an encrypted value.");
        var blob = Convert.FromBase64String(text);
        var plain = new byte[blob.Length - 28];
        using (var aes = new AesGcm(key, 16))
        {
            aes.Decrypt(blob.AsSpan(0, 12), blob.AsSpan(12, plain.Length), blob.AsSpan(12 + plain.Length), plain, Encoding.UTF8.GetBytes(context));
        }

        return JsonNode.Parse(plain)!;
    }
}
