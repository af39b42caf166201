using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenApim.Server.Hosting;

namespace OpenApim.Tests.Infrastructure;

/// <summary>Which store a test server runs on.</summary>
public enum StoreKind
{
    Sqlite,
    Postgres,
}

/// <summary>
/// A real OpenApim server in this process: real Kestrel over HTTPS on a free port, its own data
/// directory, SQLite or a fresh PostgreSQL database. Clients trust exactly its generated certificate.
/// </summary>
public sealed class OpenApimInstance : IAsyncDisposable
{
    private readonly PostgresDatabase? _database;
    private readonly bool _ownsData;

    private OpenApimInstance(WebApplication app, string dataDirectory, PostgresDatabase? database, bool ownsData, (string Id, string Secret)? bootstrap)
    {
        App = app;
        DataDirectory = dataDirectory;
        _database = database;
        _ownsData = ownsData;
        var endpoints = JsonNode.Parse(File.ReadAllText(Path.Combine(dataDirectory, "endpoints.json")))!;
        Endpoints = endpoints.AsObject();
        ManagementUrl = endpoints["managementUrl"]!.GetValue<string>();
        var pem = File.ReadAllText(endpoints["certificatePath"]!.GetValue<string>());
        Certificate = X509Certificate2.CreateFromPem(pem);
        if (bootstrap is { } given)
        {
            (ClientId, ClientSecret) = given;
        }
        else
        {
            var credentials = JsonNode.Parse(File.ReadAllText(endpoints["bootstrapCredentialsPath"]!.GetValue<string>()))!;
            ClientId = credentials["clientId"]!.GetValue<string>();
            ClientSecret = credentials["clientSecret"]!.GetValue<string>();
        }
    }

    public WebApplication App { get; }

    public string DataDirectory { get; }

    public JsonObject Endpoints { get; }

    public string ManagementUrl { get; }

    public X509Certificate2 Certificate { get; }

    public string ClientId { get; }

    public string ClientSecret { get; }

    public string TenantId => Endpoints["tenantId"]!.GetValue<string>();

    public T Service<T>() where T : notnull => App.Services.GetRequiredService<T>();

    public static Task<OpenApimInstance> StartAsync(StoreKind store, Action<IServiceCollection>? overrides = null, params string[] extraArgs) =>
        StartInAsync(NewDataDirectory(), ownsData: true, store, overrides, bootstrap: null, extraArgs);

    /// <summary>A fresh directory under the temp folder for a server's data.</summary>
    public static string NewDataDirectory() => Path.Combine(Path.GetTempPath(), "openapim-tests", Guid.NewGuid().ToString("N"));

    /// <summary>
    /// Starts a server on <paramref name="data"/> (which it deletes when disposed only if it <paramref name="ownsData"/>),
    /// with <paramref name="bootstrap"/> as OPENAPIM_BOOTSTRAP_CLIENT_ID/_SECRET when given.
    /// </summary>
    public static async Task<OpenApimInstance> StartInAsync(string data, bool ownsData, StoreKind store, Action<IServiceCollection>? overrides, (string Id, string Secret)? bootstrap, params string[] extraArgs)
    {
        var database = store == StoreKind.Postgres ? await PostgresDatabase.CreateAsync() : null;
        string[] args =
        [
            "--data-dir", data, "--management-port", "0", "--gateway-port", "0",
            // Most tests count what they create; ServiceDefaultsTests turn Azure's defaults back on.
            .. extraArgs.Any(a => a.StartsWith("--OPENAPIM_SERVICE_DEFAULTS=", StringComparison.Ordinal)) ? Array.Empty<string>() : ["--OPENAPIM_SERVICE_DEFAULTS=none"],
            .. database is null ? Array.Empty<string>() : ["--postgres", database.ConnectionString],
            .. bootstrap is { } b ? new[] { $"--OPENAPIM_BOOTSTRAP_CLIENT_ID={b.Id}", $"--OPENAPIM_BOOTSTRAP_CLIENT_SECRET={b.Secret}" } : [],
            .. extraArgs,
        ];
        var app = await OpenApimHost.BuildAsync(args, services =>
        {
            services.AddLogging(l => l.SetMinimumLevelForTests());
            overrides?.Invoke(services);
        });
        await app.StartAsync();
        return new OpenApimInstance(app, data, database, ownsData, bootstrap);
    }

    /// <summary>An HTTP client that trusts this server's certificate.</summary>
    public HttpClient CreateHttpClient()
    {
        var handler = new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, cert, _, _) => cert is not null && cert.Thumbprint == Certificate.Thumbprint,
        };
        return new HttpClient(handler) { BaseAddress = new Uri(ManagementUrl), Timeout = TimeSpan.FromSeconds(60) };
    }

    /// <summary>Gets a token from the embedded issuer, with the bootstrap credential unless another is given.</summary>
    public async Task<string> GetTokenAsync(string? scope = null, string? clientId = null, string? clientSecret = null)
    {
        var (status, body) = await RequestTokenAsync(clientId ?? ClientId, clientSecret ?? ClientSecret, scope);
        return body["access_token"]?.GetValue<string>() ?? throw new InvalidOperationException($"No token ({(int)status}): {body}");
    }

    /// <summary>A client-credentials token request, answered as it is.</summary>
    public async Task<(System.Net.HttpStatusCode Status, JsonNode Body)> RequestTokenAsync(string clientId, string clientSecret, string? scope = null)
    {
        using var http = CreateHttpClient();
        using var response = await http.PostAsync($"/{TenantId}/oauth2/v2.0/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = clientId,
            ["client_secret"] = clientSecret,
            ["scope"] = scope ?? $"{ManagementUrl}/.default",
        }));
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!);
    }

    public async Task<ArmClient> CreateArmClientAsync(string? clientId = null, string? clientSecret = null)
    {
        var http = CreateHttpClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await GetTokenAsync(clientId: clientId, clientSecret: clientSecret));
        return new ArmClient(http);
    }

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }

        if (!_ownsData)
        {
            return;
        }

        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

internal static class TestLogging
{
    /// <summary>Keeps test output readable: warnings and errors only.</summary>
    public static void SetMinimumLevelForTests(this ILoggingBuilder builder) =>
        builder.AddFilter((_, level) => level >= LogLevel.Warning);
}
