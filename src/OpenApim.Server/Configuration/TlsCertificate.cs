using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using OpenApim.Resources.Hosting;

namespace OpenApim.Server.Configuration;

/// <summary>
/// The HTTPS certificate: the configured PEM pair, or a self-signed one generated once in the data
/// directory (SAN 127.0.0.1, ::1, localhost, *.localhost and the public host) and renewed when it nears expiry.
/// </summary>
internal static class TlsCertificate
{
    public static (X509Certificate2 Certificate, string PemPath) Load(ServerSettings settings, TimeProvider time)
    {
        if (settings.TlsCertificate is not null)
        {
            return (X509Certificate2.CreateFromPemFile(settings.TlsCertificate, settings.TlsKey), Path.GetFullPath(settings.TlsCertificate));
        }

        var folder = Path.Combine(settings.DataDirectory, "tls");
        var certPath = Path.Combine(folder, "openapim-dev-cert.pem");
        var keyPath = Path.Combine(folder, "openapim-dev-key.pem");
        if (File.Exists(certPath) && File.Exists(keyPath))
        {
            var existing = X509Certificate2.CreateFromPemFile(certPath, keyPath);
            if (existing.NotAfter.ToUniversalTime() > time.GetUtcNow().UtcDateTime.AddDays(7) && Covers(existing, settings.PublicHost))
            {
                return (existing, certPath);
            }

            existing.Dispose();
        }

        var created = Create(settings.PublicHost, time.GetUtcNow());
        LocalFiles.CreatePrivateDirectory(folder);
        LocalFiles.WriteSecret(keyPath, created.GetRSAPrivateKey()!.ExportPkcs8PrivateKeyPem());
        File.WriteAllText(certPath, created.ExportCertificatePem());
        return (created, certPath);
    }

    private static X509Certificate2 Create(string publicHost, DateTimeOffset now)
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=OpenApim development certificate", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        san.AddIpAddress(IPAddress.IPv6Loopback);
        san.AddDnsName("localhost");
        san.AddDnsName("*.localhost");
        if (IPAddress.TryParse(publicHost, out var ip))
        {
            if (!IPAddress.IsLoopback(ip))
            {
                san.AddIpAddress(ip);
            }
        }
        else if (publicHost != "localhost")
        {
            san.AddDnsName(publicHost);
        }

        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var cert = request.CreateSelfSigned(now.AddMinutes(-5), now.AddYears(2));
        // Re-import so Kestrel gets a certificate whose key is usable on every platform.
        return X509CertificateLoader.LoadPkcs12(cert.Export(X509ContentType.Pkcs12), null);
    }

    private static bool Covers(X509Certificate2 cert, string host) =>
        host is "127.0.0.1" or "localhost" || cert.MatchesHostname(host);
}
