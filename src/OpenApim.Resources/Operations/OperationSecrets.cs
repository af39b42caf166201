using System.Security.Cryptography;
using System.Text;
using OpenApim.Resources.Hosting;

namespace OpenApim.Resources.Operations;

/// <summary>
/// Seals the secrets an operation needs to run (a storage access key) into its durable row, so that any node
/// holding the same key file can resume it after its node died, and nothing in the database reads as the secret:
/// AES-256-GCM under <c>{keys}/operation-secrets.key</c> (owner-only), bound to the operation's id. The runner
/// erases the sealed values when the operation ends. Nodes that share a database must share the key file
/// (as they share the signing keys; docs/operations.md).
/// </summary>
public sealed class OperationSecrets
{
    public const string FileName = "operation-secrets.key";

    /// <summary>The member of <see cref="OperationRecord.Request"/> that holds sealed values, removed when the operation ends.</summary>
    public const string RequestMember = "sealed";

    private const string Prefix = "sealed:v1:";
    private readonly byte[] _key;

    public OperationSecrets(string keysDirectory)
    {
        var path = Path.Combine(keysDirectory, FileName);
        if (!File.Exists(path))
        {
            LocalFiles.WriteSecret(path, Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
        }

        _key = Convert.FromBase64String(File.ReadAllText(path).Trim());
        if (_key.Length != 32)
        {
            throw new InvalidOperationException($"{path} must hold a base64 AES-256 key (32 bytes).");
        }
    }

    public string Seal(string operationId, string secret)
    {
        var plain = Encoding.UTF8.GetBytes(secret);
        var nonce = RandomNumberGenerator.GetBytes(12);
        var cipher = new byte[plain.Length];
        var tag = new byte[16];
        using (var aes = new AesGcm(_key, tag.Length))
        {
            aes.Encrypt(nonce, plain, cipher, tag, Encoding.UTF8.GetBytes(operationId));
        }

        return Prefix + Convert.ToBase64String([.. nonce, .. cipher, .. tag]);
    }

    /// <summary>The secret sealed for <paramref name="operationId"/>; an <see cref="Arm.ArmException"/> when this node cannot open it.</summary>
    public string Unseal(string operationId, string sealedValue)
    {
        try
        {
            var blob = Convert.FromBase64String(sealedValue.StartsWith(Prefix, StringComparison.Ordinal) ? sealedValue[Prefix.Length..] : throw new FormatException());
            var plain = new byte[blob.Length - 28];
            using var aes = new AesGcm(_key, 16);
            aes.Decrypt(blob.AsSpan(0, 12), blob.AsSpan(12, plain.Length), blob.AsSpan(12 + plain.Length), plain, Encoding.UTF8.GetBytes(operationId));
            return Encoding.UTF8.GetString(plain);
        }
        catch (Exception e) when (e is CryptographicException or FormatException or ArgumentException or OverflowException)
        {
            throw OperationFailure.SecretUnavailable();
        }
    }
}
