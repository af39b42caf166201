using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using OpenApim.Tests.Infrastructure;

namespace OpenApim.Tests.Backup;

/// <summary>
/// The Prometheus scrape endpoint (OpenTelemetry's exporter): after a backup ran it shows its duration, size and entity count;
/// a failed one counts by ARM code; the gateway's requests and rejections by reason; a replication's recovery-point age.
/// Scraping needs no token and the text holds no key. The server is a process of its own, as deployed: in-process test
/// servers share the process's meters (OpenTelemetry listens to every meter of a name in the process).
/// </summary>
public sealed partial class MetricsTests : IAsyncLifetime
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), "openapim-tests", "metrics-" + Guid.NewGuid().ToString("N"));
    private ServerProcess _server = null!;
    private JsonNode _endpoints = null!;

    private ArmClient Arm { get; set; } = null!;

    public async Task InitializeAsync()
    {
        _server = await ServerProcess.StartAsync(_data, Azurite.ServerArgs);
        _endpoints = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(_data, "endpoints.json")))!;
        Arm = await _server.CreateArmClientAsync();
    }

    public async Task DisposeAsync()
    {
        Arm.Dispose();
        await _server.DisposeAsync();
        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [Fact]
    public async Task The_scrape_endpoint_shows_backups_gateway_rejections_and_the_recovery_point_age_without_a_token_or_a_secret()
    {
        await using var backend = await EchoBackend.StartAsync();
        var name = Names.Unique("metrics");
        var service = await Arm.CreateServiceAsync(name);
        var container = await Azurite.NewContainerAsync();
        await Arm.CreateAsync($"{service}/apis/orders", new JsonObject { ["path"] = "orders", ["serviceUrl"] = backend.Url });
        await Arm.CreateAsync($"{service}/apis/orders/operations/get", new JsonObject { ["displayName"] = "get", ["method"] = "GET", ["urlTemplate"] = "/{id}",
            ["templateParameters"] = new JsonArray(new JsonObject { ["name"] = "id", ["type"] = "string" }) });
        await Arm.CreateAsync($"{service}/subscriptions/s1", new JsonObject { ["displayName"] = "s1", ["scope"] = "/apis", ["state"] = "active", ["primaryKey"] = "metrics-key-1" });

        var backup = (await Arm.RunAsync($"{service}/backup", Azurite.StorageBody(container, "m1.zip"))).Final;
        Assert.Equal(HttpStatusCode.OK, backup.Status);
        var failed = (await Arm.RunAsync($"{service}/backup", Azurite.StorageBody("no-such-container-" + Guid.NewGuid().ToString("N")[..8], "m2.zip"))).Final;
        var failedCode = failed.Json["error"]!["code"]!.GetValue<string>();

        var ready = DateTime.UtcNow.AddSeconds(30);
        while (await GatewayAsync(name, "/orders/1", "metrics-key-1") != HttpStatusCode.OK)
        {
            Assert.True(DateTime.UtcNow < ready, "the gateway did not serve the new API");
            await Task.Delay(100);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, await GatewayAsync(name, "/orders/1", "wrong-key"));
        Assert.Equal(HttpStatusCode.NotFound, await GatewayAsync(name, "/nothing-here", null));

        Assert.Equal(HttpStatusCode.Created, (await Arm.PutAsync($"{service}/replications/r1", new JsonObject
        {
            ["properties"] = new JsonObject { ["storageAccount"] = Azurite.Account, ["containerName"] = container, ["accessKey"] = Azurite.Key, ["sealIntervalMilliseconds"] = 200 },
        })).Status);

        var deadline = DateTime.UtcNow.AddSeconds(60);
        string text;
        while (true)
        {
            text = await ScrapeAsync();
            if (Value(text, "openapim_replication_recovery_point_age_seconds", name) is not null && Value(text, "openapim_backup_duration_seconds_count", name, "succeeded") is not null)
            {
                break;
            }

            Assert.True(DateTime.UtcNow < deadline, "the metrics did not show the backup and the replication:\n" + text);
            await Task.Delay(250);
        }

        Assert.Equal(1, Value(text, "openapim_backup_duration_seconds_count", name, "succeeded"));
        Assert.True(Value(text, "openapim_backup_duration_seconds_sum", name, "succeeded") > 0);
        Assert.Equal(1, Value(text, "openapim_backup_size_bytes_count", name, "succeeded"));
        Assert.Equal(1, Value(text, "openapim_backup_failures_total", name, failedCode));
        Assert.Equal(1, Value(text, "openapim_gateway_rejections_total", name, "authorization"));
        Assert.Equal(1, Value(text, "openapim_gateway_rejections_total", name, "routing"));
        Assert.True(Value(text, "openapim_gateway_request_duration_seconds_count", name, "GET") >= 3);
        Assert.True(Value(text, "openapim_gateway_config_lag_seconds_count", name) >= 1, "propagation lag recorded");
        Assert.Contains("http_server_request_duration_seconds_count", text, StringComparison.Ordinal); // ASP.NET Core's, for management requests
        Assert.DoesNotContain("http_server_active_requests", text, StringComparison.Ordinal); // dropped: it cost two measurements per gateway request
        Assert.InRange(Value(text, "openapim_replication_recovery_point_age_seconds", name)!.Value, 0, 30);
        Assert.DoesNotContain(Azurite.Key, text, StringComparison.Ordinal);
        Assert.DoesNotContain("metrics-key-1", text, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-key", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_endpoints_file_names_the_scrape_url_and_the_gateway_listener_does_not_serve_it()
    {
        Assert.Equal(_endpoints["managementUrl"]!.GetValue<string>() + "/metrics", _endpoints["metricsUrl"]!.GetValue<string>());
        using var gateway = new HttpClient { BaseAddress = new Uri(_endpoints["gatewayUrl"]!.GetValue<string>()) };
        using var response = await gateway.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.DoesNotContain("openapim_", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private async Task<string> ScrapeAsync()
    {
        var certificate = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(_endpoints["certificatePath"]!.GetValue<string>()));
        using var http = new HttpClient(new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, cert, _, _) => cert?.Thumbprint == certificate.Thumbprint });
        using var response = await http.GetAsync(_endpoints["metricsUrl"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>The sum of a metric's samples whose labels include <c>openapim_service_name="{service}"</c> and every other label value given.</summary>
    private static double? Value(string text, string metric, string service, params string[] labelValues)
    {
        double? sum = null;
        foreach (Match m in Sample().Matches(text))
        {
            var labels = m.Groups["labels"].Value;
            if (m.Groups["name"].Value == metric && labels.Contains($"openapim_service_name=\"{service}\"", StringComparison.Ordinal)
                && labelValues.All(v => labels.Contains($"=\"{v}\"", StringComparison.Ordinal)))
            {
                sum = (sum ?? 0) + double.Parse(m.Groups["value"].Value, CultureInfo.InvariantCulture);
            }
        }

        return sum;
    }

    private async Task<HttpStatusCode> GatewayAsync(string service, string path, string? key)
    {
        using var gateway = new HttpClient { BaseAddress = new Uri(_endpoints["gatewayUrl"]!.GetValue<string>()) };
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Host = $"{service}.localhost";
        if (key is not null)
        {
            request.Headers.Add("Ocp-Apim-Subscription-Key", key);
        }

        using var response = await gateway.SendAsync(request);
        return response.StatusCode;
    }

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)\{(?<labels>[^}]*)\} (?<value>[-+0-9.eE]+|NaN|\+Inf)(?: \d+)?$", RegexOptions.Multiline)]
    private static partial Regex Sample();
}
