using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace OpenApim.Cli.Common;

/// <summary>
/// Certificates trusted for HTTPS: the system's, plus every certificate in <c>SSL_CERT_FILE</c> and in <c>--ca-file</c>
/// (a chain that ends in one of them is accepted; a self-signed server certificate listed there is accepted as it is).
/// </summary>
internal static class Trust
{
    public static HttpClient Client(string? caFile, TimeSpan timeout)
    {
        var extra = new X509Certificate2Collection();
        foreach (var file in new[] { Environment.GetEnvironmentVariable("SSL_CERT_FILE"), caFile })
        {
            if (file is { Length: > 0 })
            {
                if (!File.Exists(file))
                {
                    throw CliFailure.Usage($"The certificate file '{file}' does not exist.");
                }

                extra.ImportFromPemFile(file);
            }
        }

        var handler = new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(15) };
        if (extra.Count > 0)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, chain, errors) => Validate(certificate, chain, errors, extra);
        }

        return new HttpClient(handler) { Timeout = timeout };
    }

    private static bool Validate(X509Certificate? certificate, X509Chain? presented, SslPolicyErrors errors, X509Certificate2Collection extra)
    {
        if (errors == SslPolicyErrors.None)
        {
            return true;
        }

        if (certificate is null || (errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
        {
            return false;
        }

        using var server = new X509Certificate2(certificate);
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(extra);
        if (presented is not null)
        {
            foreach (var element in presented.ChainElements)
            {
                chain.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(server) || extra.Any(c => c.Thumbprint == server.Thumbprint);
    }
}
