using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.Tokens;
using OpenApim.Resources.Hosting;

namespace OpenApim.Identity.Tokens;

/// <summary>
/// The issuer's RS256 keys, generated once and kept in the data directory (owner-only file). The
/// newest key signs; every listed key validates and is published in the JWKS until it is retired.
/// </summary>
internal sealed class SigningKeys
{
    private readonly string _path;
    private readonly Lock _gate = new();
    private List<RsaSecurityKey> _keys;

    public SigningKeys(string dataDirectory)
    {
        _path = Path.Combine(dataDirectory, "keys", "signing-keys.json");
        _keys = Load();
        if (_keys.Count == 0)
        {
            Rotate();
        }
    }

    /// <summary>The key new tokens are signed with.</summary>
    public RsaSecurityKey Current => _keys[0];

    /// <summary>Every key that validates tokens (current first).</summary>
    public IReadOnlyList<RsaSecurityKey> All => _keys;

    /// <summary>Adds a new signing key; the previous ones keep validating.</summary>
    public RsaSecurityKey Rotate()
    {
        lock (_gate)
        {
            var rsa = RSA.Create(2048);
            var key = new RsaSecurityKey(rsa) { KeyId = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(12)) };
            _keys = [key, .. _keys];
            Save();
            return key;
        }
    }

    /// <summary>Stops validating with a key (after its tokens have expired).</summary>
    public bool Retire(string keyId)
    {
        lock (_gate)
        {
            if (_keys.Count <= 1 || _keys[0].KeyId == keyId || _keys.All(k => k.KeyId != keyId))
            {
                return false;
            }

            _keys = [.. _keys.Where(k => k.KeyId != keyId)];
            Save();
            return true;
        }
    }

    /// <summary>The public JWKS document.</summary>
    public JsonObject Jwks() => new()
    {
        ["keys"] = new JsonArray(_keys.Select(k =>
        {
            var p = k.Rsa.ExportParameters(false);
            return (JsonNode)new JsonObject
            {
                ["kty"] = "RSA",
                ["use"] = "sig",
                ["alg"] = "RS256",
                ["kid"] = k.KeyId,
                ["n"] = Base64UrlEncoder.Encode(p.Modulus),
                ["e"] = Base64UrlEncoder.Encode(p.Exponent),
            };
        }).ToArray()),
    };

    private List<RsaSecurityKey> Load()
    {
        if (!File.Exists(_path))
        {
            return [];
        }

        var doc = JsonNode.Parse(File.ReadAllText(_path))!;
        return doc["keys"]!.AsArray().Select(k =>
        {
            var rsa = RSA.Create();
            rsa.ImportFromPem(k!["pem"]!.GetValue<string>());
            return new RsaSecurityKey(rsa) { KeyId = k["kid"]!.GetValue<string>() };
        }).ToList();
    }

    private void Save()
    {
        var doc = new JsonObject
        {
            ["keys"] = new JsonArray(_keys.Select(k => (JsonNode)new JsonObject
            {
                ["kid"] = k.KeyId,
                ["pem"] = k.Rsa.ExportPkcs8PrivateKeyPem(),
            }).ToArray()),
        };
        LocalFiles.WriteSecret(_path, doc.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }
}
