using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;

namespace OpenApim.OperatorConsole.Arm;

/// <summary>
/// The server's own management API as the console reaches it: one HTTP client that trusts only the server's own
/// certificate, and a connection per signed-in user carrying that user's token.
/// </summary>
public sealed class ManagementApi : IDisposable
{
    private readonly ConsoleOptions _options;

    public ManagementApi(ConsoleOptions options)
    {
        _options = options;
        Http = new HttpClient(new SocketsHttpHandler
        {
            SslOptions = { RemoteCertificateValidationCallback = (_, certificate, _, _) => options.IsServerCertificate(certificate) },
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        })
        { Timeout = TimeSpan.FromSeconds(100) };
    }

    public HttpClient Http { get; }

    public Uri BaseAddress => _options.ManagementApi();

    public string TenantId => _options.TenantId;

    /// <summary>The signed-in user's connection; null when the request has no console session.</summary>
    public async Task<ArmConnection?> ForAsync(HttpContext context) =>
        await context.GetTokenAsync(ConsoleSession.Scheme, "access_token") is { Length: > 0 } token ? new ArmConnection(Http, BaseAddress, token) : null;

    public void Dispose() => Http.Dispose();
}
