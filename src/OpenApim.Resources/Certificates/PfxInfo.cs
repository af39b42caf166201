using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;

namespace OpenApim.Resources.Certificates;

/// <summary>What API Management shows of an uploaded PFX: subject, thumbprint and expiry.</summary>
internal sealed record PfxInfo(string Subject, string Thumbprint, DateTimeOffset Expiry)
{
    /// <summary>Opens a base64 PFX; null when it is not one or the password is wrong.</summary>
    public static PfxInfo? TryRead(string base64, string? password)
    {
        try
        {
            using var cert = X509CertificateLoader.LoadPkcs12(Convert.FromBase64String(base64), password);
            return new PfxInfo(cert.Subject, cert.Thumbprint, cert.NotAfter.ToUniversalTime());
        }
        catch (Exception e) when (e is FormatException or CryptographicException)
        {
            return null;
        }
    }

    public string ExpiryText => Expiry.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>The <c>certificate</c> object of hostname and CA certificate configurations.</summary>
    public JsonObject ToJson() => new() { ["expiry"] = ExpiryText, ["thumbprint"] = Thumbprint, ["subject"] = Subject };
}
