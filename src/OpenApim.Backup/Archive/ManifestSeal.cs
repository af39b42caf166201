using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace OpenApim.Backup.Archive;

/// <summary>
/// Authenticates the manifest of an encrypted backup (format 1.1): an HMAC-SHA256, with a key derived from the
/// backup encryption key, over the canonical manifest without its <c>authentication</c> member. The manifest
/// lists every part's SHA-256, so the seal covers the whole archive: a changed expiry, a removed
/// <c>encryption</c> member or an edited part is refused before anything is restored.
/// </summary>
internal static class ManifestSeal
{
    public const string Member = "authentication";
    public const string Algorithm = "HMAC-SHA256";

    public static void Sign(JsonObject manifest, byte[] encryptionKey) =>
        manifest[Member] = new JsonObject { ["algorithm"] = Algorithm, ["value"] = Convert.ToBase64String(Mac(manifest, encryptionKey)) };

    /// <summary>True when the manifest carries a seal made with this key over exactly this content.</summary>
    public static bool Verify(JsonObject manifest, byte[] encryptionKey)
    {
        if (manifest[Member] is not JsonObject seal || seal["algorithm"]?.ToString() != Algorithm || seal["value"]?.ToString() is not { } value)
        {
            return false;
        }

        byte[] given;
        try
        {
            given = Convert.FromBase64String(value);
        }
        catch (FormatException)
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(given, Mac(manifest, encryptionKey));
    }

    private static byte[] Mac(JsonObject manifest, byte[] encryptionKey)
    {
        var unsealed = (JsonObject)manifest.DeepClone();
        unsealed.Remove(Member);
        var key = HKDF.DeriveKey(HashAlgorithmName.SHA256, encryptionKey, 32, info: Encoding.UTF8.GetBytes("openapim-backup manifest seal"));
        return HMACSHA256.HashData(key, CanonicalJson.Bytes(unsealed));
    }
}
