using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenApim.Drills;
using OpenApim.OperatorConsole.Arm;
using OpenApim.OperatorConsole.Records;
using OpenApim.OperatorConsole.Storage;

namespace OpenApim.OperatorConsole.Drills;

/// <summary>
/// Runs drills for the console in the background, each with the token of the user who started it (so it can do what
/// that user may), and keeps each one's report in <see cref="ConsoleRecords"/> when it ends. A drill that restored a
/// backup and found no difference also records that backup as verified.
/// </summary>
public sealed partial class DrillRunner(ConsoleRecords records, ConsoleOptions options, TimeProvider time, IHostApplicationLifetime lifetime, ILogger<DrillRunner> logger) : IDisposable
{
    /// <summary>How long a session must still last for a drill to start: the drill acts with the session's token.</summary>
    public static readonly TimeSpan LongestDrill = TimeSpan.FromMinutes(20);

    /// <summary>Drills one server runs at once (each backs up, restores and reads two services entity by entity).</summary>
    public const int MostAtOnce = 4;

    private readonly Lock _gate = new();
    private readonly ConcurrentDictionary<string, RunningDrill> _running = new(StringComparer.OrdinalIgnoreCase);
    private readonly HttpClient _gateways = Gateways(options);

    public RunningDrill? Find(string id) => _running.TryGetValue(id, out var drill) ? drill : null;

    public int Running => _running.Values.Count(d => d.Result is null);

    /// <summary>The drill still running into (or out of) this service, if any: two at once would restore over each other.</summary>
    public RunningDrill? Busy(ServiceAddress service) => _running.Values.FirstOrDefault(d => d.Result is null && (d.Standby.Key == service.Key || d.Primary.Key == service.Key));

    /// <summary>Starts a drill in the background; <see cref="DrillConflictException"/> when one already runs on either service or too many run.</summary>
    public RunningDrill Start(ArmConnection arm, ServiceAddress primary, ServiceAddress standby, StorageConnection storage, string by)
    {
        var timeline = new DrillTimeline(time);
        var drill = new RunningDrill(Guid.NewGuid().ToString("N"), primary, standby, timeline, by);
        lock (_gate)
        {
            // Checked and added together: two clicks at once start one drill.
            if ((Busy(standby) ?? Busy(primary)) is { } running)
            {
                throw new DrillConflictException($"A drill of {running.Primary.Name} into {running.Standby.Name} is running (started by {running.By}); wait for it to end.");
            }

            if (Running >= MostAtOnce)
            {
                throw new DrillConflictException($"{MostAtOnce} drills are running on this server; wait for one to end.");
            }

            _running[drill.Id] = drill;
        }

        var plan = new DrillPlan(primary.Id, standby.Id, storage.Body());
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
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The server is stopping: the drill ends here, and says so (a backup or restore it started may still finish).
            result = Failed(drill, plan, "DrillInterrupted", "The server stopped while the drill ran; a backup or restore it started may have finished without it. Run the drill again.");
        }
        catch (Exception e)
        {
            LogCrashed(logger, e, drill.Id);
            result = Failed(drill, plan, e is OperationCanceledException ? "DrillTimedOut" : "DrillCrashed", e.Message);
        }

        var passed = result["passed"]?.GetValue<bool>() == true;
        var summary = new DrillSummary(drill.Id, drill.Primary.Id, drill.Standby.Id, drill.Timeline.Started, passed ? "passed" : "failed", passed,
            Seconds(result["recoveryPointSeconds"]), Seconds(result["recoveryTimeSeconds"]), result["differences"]!.AsArray().Count, drill.By);
        drill.Result = result;
        LogFinished(logger, drill.Id, drill.Primary.Name, drill.Standby.Name, passed);
        try
        {
            using var saving = new CancellationTokenSource(TimeSpan.FromSeconds(30), time);
            await records.SaveAsync(summary, result, saving.Token);
            if (result["backupName"]?.GetValue<string>() is { } backup && result["error"] is null)
            {
                var differences = result["differences"]!.AsArray();
                await records.SaveAsync(new Verification(drill.Primary.Id, backup, differences.Count == 0, time.GetUtcNow(), drill.By,
                    differences.Count == 0 ? "restored into the standby by a drill; every entity compared equal" : $"drill: {differences.Count} differences"), saving.Token);
            }
        }
        catch (Exception e)
        {
            // The report stays readable from memory for the next minute; the log says it was not kept.
            LogNotSaved(logger, e, drill.Id);
        }
        finally
        {
            // The live page reads the finished drill from here for a minute, then from the records.
            _ = Task.Delay(TimeSpan.FromMinutes(1), time, CancellationToken.None).ContinueWith(_ => _running.TryRemove(drill.Id, out RunningDrill? _), TaskScheduler.Default);
        }
    }

    private static double? Seconds(JsonNode? node) => node is JsonValue v && v.TryGetValue<double>(out var d) ? d : null;

    private static JsonObject Failed(RunningDrill drill, DrillPlan plan, string code, string message) => new()
    {
        ["passed"] = false,
        ["primary"] = plan.Primary,
        ["standby"] = plan.Standby,
        ["startedAt"] = drill.Timeline.Started.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
        ["differences"] = new JsonArray(),
        ["smoke"] = new JsonArray(),
        ["error"] = new JsonObject { ["code"] = code, ["message"] = message },
        ["timeline"] = drill.Timeline.ToJson(),
    };

    /// <summary>Gateways answer with a public certificate or with this server's own.</summary>
    private static HttpClient Gateways(ConsoleOptions options)
    {
        return new HttpClient(new SocketsHttpHandler
        {
            SslOptions = { RemoteCertificateValidationCallback = (_, certificate, _, errors) => errors == System.Net.Security.SslPolicyErrors.None || options.IsServerCertificate(certificate) },
        })
        { Timeout = TimeSpan.FromSeconds(15) };
    }

    public void Dispose() => _gateways.Dispose();

    [LoggerMessage(Level = LogLevel.Error, Message = "Drill {Id} crashed")]
    private static partial void LogCrashed(ILogger logger, Exception e, string id);

    [LoggerMessage(Level = LogLevel.Error, Message = "The report of drill {Id} could not be saved")]
    private static partial void LogNotSaved(ILogger logger, Exception e, string id);

    [LoggerMessage(Level = LogLevel.Information, Message = "Drill {Id} of {Primary} into {Standby} ended; passed: {Passed}")]
    private static partial void LogFinished(ILogger logger, string id, string primary, string standby, bool passed);
}
