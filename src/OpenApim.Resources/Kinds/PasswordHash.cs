using System.Security.Cryptography;

namespace OpenApim.Resources.Kinds;

/// <summary>PBKDF2 password hashes for API Management users; the plain password is never stored.</summary>
internal static class PasswordHash
{
    private const int Iterations = 100_000;

    public static string Hash(string password)
    {
        var salt = RandomNumberGenerator.GetBytes(16);
        var hash = Rfc2898DeriveBytes.Pbkdf2(password, salt, Iterations, HashAlgorithmName.SHA256, 32);
        return $"pbkdf2-sha256${Iterations}${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}";
    }
}
