using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Azure.Storage;
using Azure.Storage.Blobs;

namespace OpenApim.Bench;

/// <summary>
/// <c>replication PRIMARY_ENDPOINTS STANDBY_ENDPOINTS AZURITE_URL CONTAINER SECONDS RATE PATH</c>: continuous protection of
/// service <c>ref</c> into standby <c>standby</c> (another server). Sets both replications up, waits for the standby to serve,
/// then drives RATE writes/s for SECONDS (subscription creates, subscription, named value and API updates) and measures:
/// RPO (a record's commit time on the primary to its segment appearing in storage, by a lister polling every 50 ms),
/// standby lag (a created subscription's management answer on the primary to the standby's gateway accepting its key),
/// bytes per change, what an idle primary ships, and promote (the call to the standby accepting a write).
/// </summary>
internal static class ReplicationBench
{
    private const string Version = "api-version=2024-05-01";
    private const string Account = "devstoreaccount1";
    private const string Key = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    public static async Task<int> RunAsync(string primaryEndpoints, string standbyEndpoints, string azurite, string containerName, int seconds, int rate, string path)
    {
        var (primary, _) = await ManagementClient.CreateAsync(primaryEndpoints);
        var (standby, standbyEp) = await ManagementClient.CreateAsync(standbyEndpoints);
        using var gateway = new HttpClient { BaseAddress = new Uri(ManagementClient.Text(standbyEp, "gatewayUrl")), Timeout = TimeSpan.FromSeconds(10) };
        var container = new BlobServiceClient(new Uri($"{azurite}/{Account}"), new StorageSharedKeyCredential(Account, Key)).GetBlobContainerClient(containerName);
        await container.CreateIfNotExistsAsync();
        JsonObject Storage() => new() { ["storageAccount"] = Account, ["containerName"] = containerName, ["accessKey"] = Key, ["sealIntervalMilliseconds"] = 500 };

        await SendAsync(primary, HttpMethod.Put, "ref/replications/r1", new JsonObject { ["properties"] = Storage() });
        var follow = Storage();
        follow["mode"] = "Standby";
        follow["source"] = "ref/r1";
        var setup = Stopwatch.StartNew();
        await SendAsync(standby, HttpMethod.Put, "standby/replications/follow", new JsonObject { ["properties"] = follow });
        var knownKey = ManagementClient.Text((await SendAsync(primary, HttpMethod.Post, "ref/subscriptions/sub-000007/listSecrets"))!, "primaryKey");
        await UntilServedAsync(gateway, path, knownKey, TimeSpan.FromMinutes(10));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"RESULT phase=first_follow seconds={setup.Elapsed.TotalSeconds:F1}"));

        // The lister: every new segment, downloaded as soon as it is listed; a record's RPO is its first sighting minus its commit time.
        var rpo = new ConcurrentBag<double>();
        var segmentBytes = 0L;
        var records = 0L;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        using var stop = new CancellationTokenSource();
        var loadStart = DateTimeOffset.UtcNow;
        var lister = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await foreach (var blob in container.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, "replications/ref/r1/segments/", CancellationToken.None))
                {
                    if (!seen.Add(blob.Name))
                    {
                        continue;
                    }

                    var sighted = DateTimeOffset.UtcNow;
                    var content = (await container.GetBlobClient(blob.Name).DownloadContentAsync()).Value.Content.ToArray();
                    Interlocked.Add(ref segmentBytes, content.Length);
                    foreach (var at in CommitTimes(content).Where(t => t >= loadStart))
                    {
                        rpo.Add((sighted - at).TotalMilliseconds);
                        Interlocked.Increment(ref records);
                    }
                }

                await Task.Delay(50);
            }
        });

        // The load: RATE writes per second; every fourth creates a subscription whose key is probed on the standby's gateway.
        var lag = new ConcurrentBag<double>();
        var probes = new List<Task>();
        var writes = 0;
        var failures = 0;
        var interval = TimeSpan.FromSeconds(1.0 / rate);
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(seconds))
        {
            var n = writes++;
            var due = interval * n;
            if (due > clock.Elapsed)
            {
                await Task.Delay(due - clock.Elapsed);
            }

            try
            {
                switch (n % 4)
                {
                    case 0:
                        var key = RandomNumberGenerator.GetHexString(32, lowercase: true);
                        await SendAsync(primary, HttpMethod.Put, $"ref/subscriptions/bench-{n}", new JsonObject
                        {
                            ["properties"] = new JsonObject { ["displayName"] = $"bench {n}", ["scope"] = "/apis", ["state"] = "active", ["primaryKey"] = key },
                        });
                        var answered = Stopwatch.GetTimestamp();
                        probes.Add(Task.Run(async () => lag.Add(await UntilServedAsync(gateway, path, key, TimeSpan.FromSeconds(60), answered))));
                        break;
                    case 1:
                        await SendAsync(primary, HttpMethod.Patch, $"ref/subscriptions/sub-{n % 1000:D6}", new JsonObject { ["properties"] = new JsonObject { ["displayName"] = $"renamed {n}" } });
                        break;
                    case 2:
                        await SendAsync(primary, HttpMethod.Put, $"ref/namedValues/bench-{n % 50}", new JsonObject { ["properties"] = new JsonObject { ["displayName"] = $"bench-{n % 50}", ["value"] = $"v{n}" } });
                        break;
                    default:
                        await SendAsync(primary, HttpMethod.Patch, $"ref/apis/api-{n % 1000:D4}", new JsonObject { ["properties"] = new JsonObject { ["description"] = $"changed {n}" } });
                        break;
                }
            }
            catch (InvalidOperationException e)
            {
                failures++;
                Console.Error.WriteLine(e.Message);
            }
        }

        var achieved = writes / clock.Elapsed.TotalSeconds;
        await Task.WhenAll(probes);
        await Task.Delay(2000);
        var beforeIdle = seen.Count;
        await Task.Delay(5000);
        await stop.CancelAsync();
        await lister;
        var idleSegments = seen.Count - beforeIdle;

        var promote = Stopwatch.StartNew();
        using (var request = new HttpRequestMessage(HttpMethod.Post, $"{ManagementClient.Services}/standby/promote?{Version}") { Content = JsonContent.Create(new JsonObject()) })
        using (var accepted = await standby.SendAsync(request))
        {
            var location = accepted.Headers.Location!;
            while (true)
            {
                using var poll = await standby.GetAsync(location);
                if (poll.StatusCode == HttpStatusCode.OK)
                {
                    break;
                }

                if (poll.StatusCode != HttpStatusCode.Accepted)
                {
                    throw new InvalidOperationException($"promote: {(int)poll.StatusCode} {await poll.Content.ReadAsStringAsync()}");
                }

                await Task.Delay(20);
            }
        }

        var promoted = promote.Elapsed;
        await SendAsync(standby, HttpMethod.Put, "standby/namedValues/after-promote", new JsonObject { ["properties"] = new JsonObject { ["displayName"] = "after-promote", ["value"] = "writable" } });
        var writable = promote.Elapsed;

        string Stats(string name, ConcurrentBag<double> values) => string.Create(CultureInfo.InvariantCulture,
            $"RESULT metric={name} n={values.Count} p50_ms={ManagementClient.Percentile(values, 0.50):F0} p99_ms={ManagementClient.Percentile(values, 0.99):F0} max_ms={(values.IsEmpty ? double.NaN : values.Max()):F0}");
        Console.WriteLine(Stats("rpo", rpo));
        Console.WriteLine(Stats("standby_lag", lag));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RESULT metric=load writes={writes} writes_per_s={achieved:F1} failures={failures} segments={beforeIdle} bytes={segmentBytes} records={records} bytes_per_change={(records == 0 ? 0 : segmentBytes / records)} idle_segments={idleSegments}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"RESULT metric=promote done_ms={promoted.TotalMilliseconds:F0} writable_ms={writable.TotalMilliseconds:F0}"));
        return 0;
    }

    private static List<DateTimeOffset> CommitTimes(byte[] segment)
    {
        using var gzip = new GZipStream(new MemoryStream(segment), CompressionMode.Decompress);
        using var reader = new StreamReader(gzip);
        var lines = new List<string>();
        while (reader.ReadLine() is { } line)
        {
            lines.Add(line);
        }

        // Header first, trailer last; records in between carry "at".
        return lines.Skip(1).SkipLast(1).Select(l => DateTimeOffset.Parse(JsonNode.Parse(l)!["at"]!.GetValue<string>(), CultureInfo.InvariantCulture)).ToList();
    }

    private static async Task<double> UntilServedAsync(HttpClient gateway, string path, string key, TimeSpan limit, long? since = null)
    {
        var start = since ?? Stopwatch.GetTimestamp();
        while (true)
        {
            using var request = ManagementClient.GatewayRequest("standby", path, key);
            try
            {
                using var response = await gateway.SendAsync(request);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                }
            }
            catch (HttpRequestException)
            {
            }

            if (Stopwatch.GetElapsedTime(start) > limit)
            {
                throw new InvalidOperationException($"The standby's gateway did not accept key {key[..6]}... within {limit.TotalSeconds} s.");
            }

            await Task.Delay(20);
        }
    }

    private static async Task<JsonNode?> SendAsync(HttpClient client, HttpMethod method, string relative, JsonObject? body = null)
    {
        using var request = new HttpRequestMessage(method, $"{ManagementClient.Services}/{relative}?{Version}") { Content = body is null ? null : JsonContent.Create(body) };
        if (method == HttpMethod.Patch)
        {
            request.Headers.TryAddWithoutValidation("If-Match", "*");
        }

        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return response.IsSuccessStatusCode
            ? (text.Length == 0 ? null : JsonNode.Parse(text))
            : throw new InvalidOperationException($"{method} {relative}: {(int)response.StatusCode} {text}");
    }
}
