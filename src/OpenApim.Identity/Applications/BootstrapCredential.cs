using System.Text.Json;
using System.Text.Json.Nodes;
using OpenApim.Resources.Hosting;

namespace OpenApim.Identity.Applications;

/// <summary>
/// The administrator credential that exists from the first start: taken from
/// <c>OPENAPIM_BOOTSTRAP_CLIENT_ID</c>/<c>OPENAPIM_BOOTSTRAP_CLIENT_SECRET</c>, or generated once and
/// written (owner-only) to <c>bootstrap-credentials.json</c> in the data directory.
/// </summary>
public sealed class BootstrapCredential
{
    public const string FileName = "bootstrap-credentials.json";

    private BootstrapCredential(string clientId, string secret, string? path)
    {
        ClientId = clientId;
        SecretHashBase64 = PasswordCredential.Hash(secret);
        Hint = secret.Length >= 3 ? secret[..3] : "";
        FilePath = path;
    }

    public string ClientId { get; }

    /// <summary>SHA-256 of the secret (base64); the secret itself is not kept in memory after start.</summary>
    public string SecretHashBase64 { get; }

    /// <summary>The first characters of the secret, shown to tell secrets apart.</summary>
    public string Hint { get; }

    /// <summary>The file holding a generated credential, or null when it came from the environment.</summary>
    public string? FilePath { get; }

    public static BootstrapCredential Load(IdentityOptions options)
    {
        if (!string.IsNullOrEmpty(options.BootstrapClientId) && !string.IsNullOrEmpty(options.BootstrapClientSecret))
        {
            return new BootstrapCredential(options.BootstrapClientId, options.BootstrapClientSecret, null);
        }

        var path = Path.Combine(options.DataDirectory, FileName);
        if (File.Exists(path))
        {
            var doc = JsonNode.Parse(File.ReadAllText(path))!;
            return new BootstrapCredential(doc["clientId"]!.GetValue<string>(), doc["clientSecret"]!.GetValue<string>(), path);
        }

        var clientId = Guid.NewGuid().ToString();
        var secret = PasswordCredential.NewSecret();
        LocalFiles.WriteSecret(path, new JsonObject { ["clientId"] = clientId, ["clientSecret"] = secret }.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        return new BootstrapCredential(clientId, secret, path);
    }
}
