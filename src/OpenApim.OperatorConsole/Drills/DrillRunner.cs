using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenApim.Drills;
using OpenApim.OperatorConsole.Arm;
using OpenApim.OperatorConsole.Records;
using OpenApim.OperatorConsole.Storage;

namespace OpenApim.OperatorConsole.Drills;

/// <summary>A drill started from the console, while it runs: its timeline (what the live page shows) and, at the end, its result.</summary>
public sealed class RunningDrill(string id, ServiceAddress primary, ServiceAddress standby, DrillTimeline timeline, string by)
{
    public string Id { get; } = id;

    public ServiceAddress Primary { get; } = primary;

    public ServiceAddress Standby { get; } = standby;

    public DrillTimeline Timeline { get; } = timeline;

    public string By { get; } = by;

    public JsonObject? Result { get; internal set; }
}

/// <summary>
/// Runs drills for the console in the background, each with the token of the user who started it (so it can do what
/// that user may), and keeps each one's report in <see cref="ConsoleRecords"/> when it ends. A drill that restored a
/// backup and found no difference also records that backup as verified.
/// </summary>
public sealed partial class DrillRunner(ConsoleRecords records, ConsoleOptions options, TimeProvider time, IHostApplicationLifetime lifetime, ILogger<DrillRunner> logger) : IDisposable
{
    private readonly ConcurrentDictionary<string, RunningDrill> _running = new(StringComparer.OrdinalIgnoreCase);
    private readonly HttpClient _gateways = Gateways(options);

    public RunningDrill? Find(string id) => _running.TryGetValue(id, out var drill) ? drill : null;

    public RunningDrill Start(ArmConnection arm, ServiceAddress primary, ServiceAddress standby, StorageConnection storage, string by)
    {
        var timeline = new DrillTimeline(time);
        var drill = new RunningDrill(Guid.NewGuid().ToString("N"), primary, standby, timeline, by);
        _running[drill.Id] = drill;
        var plan = new DrillPlan(primary.Id, standby.Id, new JsonObject
        {
            ["storageAccount"] = storage.StorageAccount,
            ["accessKey"] = storage.AccessKey,
            ["containerName"] = storage.ContainerName,
        });
        _ = Task.Run(() => RunAsync(drill, arm, plan, lifetime.ApplicationStopping));
        return drill;
    }

    private async Task RunAsync(RunningDrill drill, ArmConnection arm, DrillPlan plan, CancellationToken ct)
    {
        JsonObject result;
        try
        {
            result = await new DrillEngine(new ConsoleDrillArm(arm, time), _gateways, time).RunAsync(plan, drill.Timeline, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogCrashed(logger, e, drill.Id);
            result = new JsonObject
            {
                ["passed"] = false, ["primary"] = plan.Primary, ["standby"] = plan.Standby, ["differences"] = new JsonArray(), ["smoke"] = new JsonArray(),
                ["error"] = new JsonObject { ["code"] = "DrillCrashed", ["message"] = e.Message }, ["timeline"] = drill.Timeline.ToJson(),
            };
        }
        catch (OperationCanceledException)
        {
            return;
        }

        var passed = result["passed"]?.GetValue<bool>() == true;
        var summary = new DrillSummary(drill.Id, drill.Primary.Id, drill.Standby.Id, drill.Timeline.Started, passed ? "passed" : "failed", passed,
            result["recoveryPointSeconds"]?.GetValue<double>(), result["recoveryTimeSeconds"]?.GetValue<double>(), result["differences"]!.AsArray().Count, drill.By);
        try
        {
            await records.SaveAsync(summary, result, CancellationToken.None);
            if (result["backupName"]?.GetValue<string>() is { } backup && result["error"] is null)
            {
                var differences = result["differences"]!.AsArray();
                await records.SaveAsync(new Verification(drill.Primary.Id, backup, differences.Count == 0, time.GetUtcNow(), drill.By,
                    differences.Count == 0 ? "restored into the standby by a drill; every entity compared equal" : $"drill: {differences.Count} differences"), CancellationToken.None);
            }
        }
        finally
        {
            drill.Result = result;
            LogFinished(logger, drill.Id, drill.Primary.Name, drill.Standby.Name, passed);
            // The live page reads the finished drill from here for a minute, then from the records.
            _ = Task.Delay(TimeSpan.FromMinutes(1), time, CancellationToken.None).ContinueWith(_ => _running.TryRemove(drill.Id, out RunningDrill? _), TaskScheduler.Default);
        }
    }

    /// <summary>Gateways answer with a public certificate or with this server's own.</summary>
    private static HttpClient Gateways(ConsoleOptions options)
    {
        var own = options.ServerCertificate.RawData;
        return new HttpClient(new SocketsHttpHandler
        {
            SslOptions = { RemoteCertificateValidationCallback = (_, certificate, _, errors) => errors == System.Net.Security.SslPolicyErrors.None || (certificate is not null && certificate.GetRawCertData().AsSpan().SequenceEqual(own)) },
        })
        { Timeout = TimeSpan.FromSeconds(15) };
    }

    public void Dispose() => _gateways.Dispose();

    [LoggerMessage(Level = LogLevel.Error, Message = "Drill {Id} crashed")]
    private static partial void LogCrashed(ILogger logger, Exception e, string id);

    [LoggerMessage(Level = LogLevel.Information, Message = "Drill {Id} of {Primary} into {Standby} ended; passed: {Passed}")]
    private static partial void LogFinished(ILogger logger, string id, string primary, string standby, bool passed);
}
