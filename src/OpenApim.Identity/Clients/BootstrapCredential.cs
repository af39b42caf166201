using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using OpenApim.Identity.Tokens;

namespace OpenApim.Identity.Clients;

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
        SecretHash = SHA256.HashData(Encoding.UTF8.GetBytes(secret));
        FilePath = path;
    }

    public string ClientId { get; }

    /// <summary>SHA-256 of the secret; the secret itself is not kept in memory after start.</summary>
    public byte[] SecretHash { get; }

    /// <summary>The file holding a generated credential, or null when it came from the environment.</summary>
    public string? FilePath { get; }

    public AppPrincipal Principal => new(ClientId, ObjectIdOf(ClientId), "OpenApim bootstrap administrator");

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
        var secret = Base64Secret();
        SecretFile.Write(path, new JsonObject { ["clientId"] = clientId, ["clientSecret"] = secret }.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        return new BootstrapCredential(clientId, secret, path);
    }

    public bool Verifies(string secret) =>
        CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(secret)), SecretHash);

    /// <summary>A client secret in the style of Entra's: 40 URL-safe characters.</summary>
    public static string Base64Secret() =>
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(30)).Replace('+', '-').Replace('/', '_');

    /// <summary>A stable object id for an application, derived from its client id.</summary>
    public static string ObjectIdOf(string clientId)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes("openapim-app:" + clientId.ToLowerInvariant()));
        hash[7] = (byte)((hash[7] & 0x0F) | 0x50);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash.AsSpan(0, 16)).ToString();
    }
}

/// <summary>The client directory while only the bootstrap credential exists.</summary>
public sealed class BootstrapClientDirectory(BootstrapCredential bootstrap) : IClientDirectory
{
    public Task<(AppPrincipal? Principal, ClientRejection? Rejection)> AuthenticateAsync(string clientId, string secret, CancellationToken ct)
    {
        if (!string.Equals(clientId, bootstrap.ClientId, StringComparison.OrdinalIgnoreCase))
        {
            return Task.FromResult<(AppPrincipal?, ClientRejection?)>((null, new ClientRejection("unauthorized_client",
                $"AADSTS700016: Application with identifier '{clientId}' was not found in the directory.", 400)));
        }

        return Task.FromResult<(AppPrincipal?, ClientRejection?)>(bootstrap.Verifies(secret)
            ? (bootstrap.Principal, null)
            : (null, new ClientRejection("invalid_client", $"AADSTS7000215: Invalid client secret provided for application '{clientId}'.")));
    }
}
