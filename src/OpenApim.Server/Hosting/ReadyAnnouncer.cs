using System.Text.Json;
using System.Text.Json.Nodes;
using OpenApim.Identity.Applications;
using OpenApim.Identity.Users;
using OpenApim.Resources.Hosting;
using OpenApim.Server.Configuration;

namespace OpenApim.Server.Hosting;

/// <summary>
/// Once the listeners are bound: records the real URLs, writes <c>{data-dir}/endpoints.json</c> (the
/// contract scripts and test harnesses read) and prints where everything is, ending with the line
/// <c>OpenApim ready</c>.
/// </summary>
internal static class ReadyAnnouncer
{
    public const string FileName = "endpoints.json";

    /// <summary>Removes a stale endpoints file so nobody reads the previous run's ports.</summary>
    public static void Reset(ServerSettings settings) => File.Delete(Path.Combine(settings.DataDirectory, FileName));

    public static void Announce(ServerSettings settings, Listeners listeners, Deployment deployment, BootstrapCredential bootstrap, BootstrapUser user, string certificatePath, string storeProvider)
    {
        var managementUrl = $"https://{Listeners.UrlHost(settings.PublicHost)}:{listeners.ManagementPort}";
        deployment.ManagementUrl = managementUrl;
        deployment.GatewayHttpPort = listeners.Gateway is null ? null : listeners.GatewayPort;
        deployment.GatewayHttpsPort = listeners.GatewayHttpsPort;
        var tokenUrl = $"{managementUrl}/{deployment.TenantId}/oauth2/v2.0/token";
        var doc = new JsonObject
        {
            ["managementUrl"] = managementUrl,
            ["tenantId"] = deployment.TenantId,
            ["tokenUrl"] = tokenUrl,
            ["certificatePath"] = certificatePath,
            ["bootstrapClientId"] = bootstrap.ClientId,
            ["bootstrapCredentialsPath"] = bootstrap.FilePath,
            ["consoleUrl"] = managementUrl + "/console",
            ["bootstrapUserName"] = user.UserName,
            ["bootstrapUserPath"] = user.FilePath,
            ["gatewayUrl"] = listeners.Gateway is null ? null : $"http://{Listeners.UrlHost(settings.PublicHost)}:{listeners.GatewayPort}",
            ["gatewayHttpsUrl"] = listeners.GatewayHttpsPort is { } https ? $"https://{Listeners.UrlHost(settings.PublicHost)}:{https}" : null,
            ["gatewayHostPattern"] = deployment.GatewayHostPattern,
            ["metricsUrl"] = settings.MetricsPath is { } metrics ? managementUrl + metrics : null,
            ["storeProvider"] = storeProvider,
            ["dataDirectory"] = settings.DataDirectory,
            ["processId"] = Environment.ProcessId,
            ["version"] = typeof(ReadyAnnouncer).Assembly.GetName().Version?.ToString(3),
        };

        var path = Path.Combine(settings.DataDirectory, FileName);
        File.WriteAllText(path + ".tmp", doc.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        File.Move(path + ".tmp", path, overwrite: true);

        var credentials = bootstrap.FilePath is null
            ? "the client id and secret from OPENAPIM_BOOTSTRAP_CLIENT_ID / OPENAPIM_BOOTSTRAP_CLIENT_SECRET"
            : $"the clientId and clientSecret in {bootstrap.FilePath}";
        var signIn = user.FilePath is null
            ? $"as {user.UserName} with the password from OPENAPIM_BOOTSTRAP_USER_PASSWORD"
            : $"as {user.UserName} with the password in {user.FilePath}";
        Console.WriteLine($"""
            OpenApim {doc["version"]} ({storeProvider} store, data in {settings.DataDirectory})
              Management API  {managementUrl}
              Console         {doc["consoleUrl"]}  (sign in {signIn})
              Gateway         {doc["gatewayUrl"] ?? "(off)"}  (Host: {deployment.GatewayHostPattern})
              Trust this CA   {certificatePath}   (NODE_EXTRA_CA_CERTS / SSL_CERT_FILE / curl --cacert)
              Token endpoint  {tokenUrl}
              Get a token     POST grant_type=client_credentials, scope={managementUrl}/.default with {credentials}
              Metrics         {doc["metricsUrl"] ?? "(off)"}  (Prometheus)
              Endpoints file  {path}
            OpenApim ready
            """);
    }
}
