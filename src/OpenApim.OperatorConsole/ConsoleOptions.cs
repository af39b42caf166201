using System.Security.Cryptography.X509Certificates;

namespace OpenApim.OperatorConsole;

/// <summary>
/// What the console needs from the server that hosts it: where to reach the server's own management API (it acts
/// through ARM like every other client) and the certificate that API presents, which is the only one it trusts there.
/// </summary>
public sealed record ConsoleOptions(Func<Uri> ManagementApi, X509Certificate2 ServerCertificate, string TenantId)
{
    /// <summary>True when <paramref name="certificate"/> is the server's own (the console pins it for its loopback calls).</summary>
    public bool IsServerCertificate(X509Certificate? certificate) =>
        certificate is not null && certificate.GetRawCertData().AsSpan().SequenceEqual(ServerCertificate.RawData);
}
