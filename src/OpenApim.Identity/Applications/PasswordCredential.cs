using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace OpenApim.Identity.Applications;

/// <summary>A client secret: its SHA-256 (the secrets are 240 random bits, so a fast hash suffices), a hint and its validity.</summary>
internal sealed record PasswordCredential(
    string KeyId,
    string? DisplayName,
    string Hint,
    string SecretHash,
    DateTimeOffset StartDateTime,
    DateTimeOffset EndDateTime)
{
    public bool Verifies(string secret) =>
        CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(secret)), Convert.FromBase64String(SecretHash));

    public static string Hash(string secret) => Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    /// <summary>A client secret in the style of Entra's: 40 URL-safe characters.</summary>
    public static string NewSecret() =>
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(30)).Replace('+', '-').Replace('/', '_');

    public JsonObject ToJson(string? secretText = null)
    {
        var json = new JsonObject
        {
            ["keyId"] = KeyId,
            ["displayName"] = DisplayName,
            ["hint"] = Hint,
            ["startDateTime"] = StartDateTime,
            ["endDateTime"] = EndDateTime,
        };
        if (secretText is not null)
        {
            json["secretText"] = secretText;
        }

        return json;
    }
}
