using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace OpenApim.Tests.Infrastructure;

/// <summary>Self-signed PFX files for certificate tests.</summary>
public static class TestCertificates
{
    public static (string Base64Pfx, string Thumbprint) Pfx(string subject, string password)
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest($"CN={subject}", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        return (Convert.ToBase64String(cert.Export(X509ContentType.Pfx, password)), cert.Thumbprint);
    }
}
