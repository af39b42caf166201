using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;

namespace OpenApim.Bench;

/// <summary>
/// <c>restore-to-serving ENDPOINTS_JSON STANDBY RESTORE_BODY_JSON PATH KEY</c>: posts a restore into <c>STANDBY</c> and
/// times, from the post, the restore operation reporting done (its <c>Location</c> answering 200) and the standby's
/// gateway answering 200 to <c>KEY</c> on <c>PATH</c>. Each is polled every 20 ms over one kept-alive connection, so the
/// probe costs the machine a few requests, not the process starts a shell loop of curl spent (about a seventh of
/// both cores while the restore ran, measured with perf on 2026-12-04).
/// </summary>
internal static class RestoreProbe
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(20);
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);

    public static async Task<int> RunAsync(string endpointsPath, string standby, string body, string path, string key)
    {
        var (client, endpoints) = await ManagementClient.CreateAsync(endpointsPath);
        using var management = client;
        using var gateway = ManagementClient.Gateway(endpoints);
        var service = $"{ManagementClient.Services}/{standby}";

        var started = Stopwatch.GetTimestamp();
        using var posted = await management.PostAsync($"{service}/restore?api-version=2024-05-01", new StringContent(body, Encoding.UTF8, "application/json"));
        if (posted.StatusCode != HttpStatusCode.Accepted || posted.Headers.Location is not { } location)
        {
            var answer = await posted.Content.ReadAsStringAsync();
            Console.Error.WriteLine($"restore: {(int)posted.StatusCode} {answer}");
            return 1;
        }

        async Task<double> UntilAsync(Func<Task<bool>> done)
        {
            while (!await done())
            {
                if (Stopwatch.GetElapsedTime(started) > Limit)
                {
                    throw new TimeoutException($"Not done {Limit.TotalSeconds} s after the restore was posted.");
                }

                await Task.Delay(Interval);
            }

            return Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        }

        var restored = UntilAsync(async () =>
        {
            using var response = await management.GetAsync(location);
            return response.StatusCode == HttpStatusCode.OK;
        });
        var serving = UntilAsync(async () =>
        {
            using var request = ManagementClient.GatewayRequest(standby, path, key);
            using var response = await gateway.SendAsync(request);
            return response.StatusCode == HttpStatusCode.OK;
        });
        var (restoredMs, servingMs) = (await restored, await serving);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"RESULT restored_ms={restoredMs:F0} serving_ms={servingMs:F0}"));
        return 0;
    }
}
