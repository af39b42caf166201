using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using OpenApim.Backup.Catalog;
using OpenApim.Cli.Apim;
using OpenApim.Cli.Backups;
using OpenApim.Cli.Common;
using Spectre.Console;

namespace OpenApim.Cli.Drill;

/// <summary>
/// <c>openapim drill</c>: proves recovery in one command. Back up the primary (or take the newest good backup of it, or a
/// named one), restore it into the standby (created with the primary's SKU when missing), compare every entity, send smoke
/// requests with a real subscription key through both gateways, and report the recovery point (the age of what was
/// restored when the standby served it) and the recovery time (start to the standby serving). Exit 0 only when it passed.
/// </summary>
internal static class DrillCommand
{
    public static Command Build()
    {
        var standbyGroup = CommonOptions.Required("--standby-resource-group", "Resource group of the standby.");
        var standbyName = CommonOptions.Required("--standby-name", "The standby service (created with the primary's SKU when missing).");
        var standbyLocation = CommonOptions.Optional("--standby-location", "Location of a standby the drill creates (default: the primary's).");
        var storage = new StorageOptions(backupNameRequired: false);
        storage.BackupName.Description = "Restore this existing backup instead of taking a new one.";
        var useLatest = CommonOptions.Flag("--use-latest", "Restore the newest good backup of the primary in the container (by its manifest), instead of taking a new one.");
        var promote = CommonOptions.Flag("--promote", "The standby follows the primary through a replication: promote it instead of backing up and restoring (it then stops following and the primary's stream is fenced).");
        var blobEndpoint = CommonOptions.Optional("--blob-endpoint", "The account's blob endpoint for --use-latest, e.g. http://127.0.0.1:10000/devstoreaccount1 (default https://{account}.blob.core.windows.net).");
        var report = CommonOptions.Optional("--report", "Also write a self-contained HTML report with the timeline to this file.");
        var primaryGateway = CommonOptions.Optional("--primary-gateway-url", "The primary's gateway (default: its gatewayUrl).");
        var standbyGateway = CommonOptions.Optional("--standby-gateway-url", "The standby's gateway (default: its gatewayUrl).");
        var command = new Command("drill", """
            Prove recovery: back up, restore into the standby, compare every entity, smoke-test the standby's gateway, report RPO and RTO.

            Example:
              openapim drill -g rg1 -n contoso --standby-resource-group rg2 --standby-name contoso-dr --storage-account-name devstoreaccount1 --storage-account-key KEY --storage-account-container backups --output json
            """)
        {
            CommonOptions.Group, CommonOptions.Name, standbyGroup, standbyName, standbyLocation, useLatest, promote, blobEndpoint, report, primaryGateway, standbyGateway,
        };
        storage.AddTo(command);
        command.SetAction((parse, ct) => CommandRunner.RunWithExitCodeAsync((parse, ct), context => RunAsync(context, new Settings(
            context.Get(CommonOptions.Group), context.Get(CommonOptions.Name), context.Get(standbyGroup), context.Get(standbyName), context.Get(standbyLocation),
            storage, context.Get(useLatest), context.Get(promote), context.Get(blobEndpoint), context.Get(report), context.Get(primaryGateway), context.Get(standbyGateway)))));
        return command;
    }

    private sealed record Settings(
        string Group, string Name, string StandbyGroup, string StandbyName, string? StandbyLocation, StorageOptions Storage, bool UseLatest, bool Promote, string? BlobEndpoint,
        string? Report, string? PrimaryGateway, string? StandbyGateway);

    private static async Task<int> RunAsync(CliContext context, Settings settings)
    {
        var ct = context.Cancellation;
        var arm = await context.ArmAsync();
        var timeline = new Timeline(context);
        var primary = arm.Service(settings.Group, settings.Name);
        var standby = arm.Service(settings.StandbyGroup, settings.StandbyName);
        var storage = settings.Storage.Body(context);
        string? backupName = null;
        DateTimeOffset? snapshotAt = null;
        DateTimeOffset? restoredAt = null;
        List<string> differences = [];
        (List<SmokeRequest> Requests, string? Why) smoke = ([], null);
        CliFailure? failure = null;
        try
        {
            var primaryService = await timeline.StepAsync("read the primary", () => arm.GetAsync(primary, ct));
            if (settings.Promote)
            {
                // 1-3. The standby already holds everything durable from the stream: promoting it is the failover.
                var promoted = await timeline.StepAsync("promote the standby", () => arm.RunAsync($"{standby}/promote", new JsonObject(), wait: true, null, ct));
                restoredAt = DateTimeOffset.UtcNow;
                snapshotAt = Time(promoted.Summary?["recoveryPoint"]);
            }
            else
            {
                backupName = await BackUpAsync(context, arm, timeline, settings, primaryService, primary, storage);
                await EnsureStandbyAsync(arm, timeline, settings, standby, primaryService, ct);
                var restoreBody = storage.DeepClone().AsObject();
                restoreBody["backupName"] = backupName;
                var restored = await timeline.StepAsync("restore into the standby", () => arm.RunAsync($"{standby}/restore", restoreBody, wait: true, null, ct));
                restoredAt = DateTimeOffset.UtcNow;
                snapshotAt = Time(restored.Summary?["snapshot"]?["takenAt"]);
            }

            // 4. Compare every entity.
            differences = await timeline.StepAsync("compare every entity", async () =>
            {
                var (before, after) = (await ServiceSnapshot.ReadAsync(arm, primary, ct), await ServiceSnapshot.ReadAsync(arm, standby, ct));
                timeline.Note($"{before.Count} entities on the primary, {after.Count} on the standby");
                return before.Differences(after);
            });

            // 5. Smoke requests through the standby's gateway, with a real key; retried while the gateway picks the restore up.
            var standbyService = await arm.GetAsync(standby, ct);
            smoke = await timeline.StepAsync("smoke-test the standby's gateway", () => SmokeAsync(context, arm, settings, primary, primaryService, standbyService));
        }
        catch (CliFailure e) when (e.ExitCode == ExitCodes.Failed)
        {
            // A step failed (the backup, the restore, ...): the drill failed, and says so in its result like any other finding.
            failure = e;
        }

        var servedAt = DateTimeOffset.UtcNow;
        var serving = smoke.Requests.Count > 0 && smoke.Requests.All(r => r.Passed);
        var passed = failure is null && differences.Count == 0 && (serving || smoke.Requests.Count == 0);
        var result = new JsonObject
        {
            ["passed"] = passed,
            ["primary"] = primary,
            ["standby"] = standby,
            ["backupName"] = backupName,
            ["snapshotTakenAt"] = snapshotAt?.ToUniversalTime().ToString("O"),
            ["recoveryPointSeconds"] = failure is null && snapshotAt is { } at ? Math.Round((servedAt - at).TotalSeconds, 3) : null,
            ["recoveryTimeSeconds"] = failure is null ? Math.Round(timeline.Elapsed.TotalSeconds, 3) : null,
            ["restoreSeconds"] = restoredAt is { } done ? Math.Round((done - timeline.Started).TotalSeconds, 3) : null,
            ["differences"] = new JsonArray([.. differences.Select(d => (JsonNode)d)]),
            ["smoke"] = new JsonArray([.. smoke.Requests.Select(r => (JsonNode)new JsonObject
            {
                ["api"] = r.Api, ["method"] = r.Method, ["path"] = r.Path, ["primaryStatus"] = r.PrimaryStatus, ["standbyStatus"] = r.StandbyStatus, ["passed"] = r.Passed, ["detail"] = r.Detail,
            })]),
            ["smokeNote"] = smoke.Why,
            ["error"] = failure is null ? null : new JsonObject { ["code"] = failure.Code, ["message"] = failure.Message },
            ["timeline"] = timeline.ToJson(),
        };
        if (settings.Report is { } file)
        {
            await File.WriteAllTextAsync(file, DrillReport.Html(result), ct);
            result["report"] = Path.GetFullPath(file);
        }

        context.Write(result, () => Summary(result, differences, smoke.Requests));
        if (!passed)
        {
            var why = failure is not null ? $"{failure.Code}: {failure.Message}"
                : differences.Count > 0 ? $"DrillFailed: {differences.Count} differences, first: {differences[0]}"
                : "DrillFailed: a smoke request failed: " + smoke.Requests.First(r => !r.Passed).Detail;
            await context.Error.WriteLineAsync($"ERROR: {why}");
        }

        return passed ? ExitCodes.Success : ExitCodes.Failed;
    }

    private static DateTimeOffset? Time(JsonNode? node) =>
        node?.GetValue<string>() is { } text ? DateTimeOffset.Parse(text, CultureInfo.InvariantCulture) : null;

    /// <summary>What to restore: a new backup of the primary, the newest good one in the container, or the one named.</summary>
    private static async Task<string> BackUpAsync(CliContext context, ArmSession arm, Timeline timeline, Settings settings, JsonNode? primaryService, string primary, JsonObject storage)
    {
        if (settings.UseLatest)
        {
            var id = primaryService?["id"]?.GetValue<string>() ?? "/" + primary;
            return await timeline.StepAsync("find the newest good backup", () => NewestAsync(context, arm, settings, id, storage));
        }

        if (storage["backupName"]?.GetValue<string>() is { } named)
        {
            return named;
        }

        var name = $"drill-{settings.Name}-{DateTimeOffset.UtcNow:yyyyMMddTHHmmssZ}.apimbackup";
        var body = storage.DeepClone().AsObject();
        body["backupName"] = name;
        await timeline.StepAsync("back up the primary", () => arm.RunAsync($"{primary}/backup", body, wait: true, null, context.Cancellation));
        return name;
    }

    /// <summary>The standby, created with the primary's SKU (and its location unless told otherwise) when it does not exist.</summary>
    private static async Task EnsureStandbyAsync(ArmSession arm, Timeline timeline, Settings settings, string standby, JsonNode? primaryService, CancellationToken ct)
    {
        if (await arm.FindAsync(standby, ct) is not null)
        {
            return;
        }

        await timeline.StepAsync("create the standby", async () =>
        {
            await arm.SendAsync(HttpMethod.Put, standby, new JsonObject
            {
                ["location"] = settings.StandbyLocation ?? primaryService?["location"]?.GetValue<string>(),
                ["sku"] = primaryService?["sku"]?.DeepClone(),
                ["properties"] = new JsonObject
                {
                    ["publisherEmail"] = primaryService?["properties"]?["publisherEmail"]?.DeepClone(),
                    ["publisherName"] = primaryService?["properties"]?["publisherName"]?.DeepClone(),
                },
            }, ct);
            return await arm.WaitProvisionedAsync(standby, ct);
        });
    }

    private static async Task<(List<SmokeRequest> Requests, string? Why)> SmokeAsync(CliContext context, ArmSession arm, Settings settings, string primary, JsonNode? primaryService, JsonNode? standbyService)
    {
        var ct = context.Cancellation;
        var plan = await SmokeTest.PlanAsync(arm, primary, ct);
        if (plan.Requests.Count == 0)
        {
            return ([], $"no smoke request: {plan.Why}");
        }

        var standbyGateway = settings.StandbyGateway ?? standbyService?["properties"]?["gatewayUrl"]?.GetValue<string>()
            ?? throw new CliFailure("NoGateway", "The standby has no gatewayUrl: pass --standby-gateway-url.");
        var primaryGateway = settings.PrimaryGateway ?? primaryService?["properties"]?["gatewayUrl"]?.GetValue<string>();
        using var http = Trust.Client(arm.CaFile, TimeSpan.FromSeconds(15));
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var results = new List<SmokeRequest>();
            foreach (var request in plan.Requests)
            {
                results.Add(await SmokeTest.SendAsync(http, primaryGateway, standbyGateway, plan.Key, request, ct));
            }

            if (results.All(r => r.Passed) || watch.Elapsed > TimeSpan.FromSeconds(30))
            {
                return (results, null);
            }

            await Task.Delay(250, ct);
        }
    }

    private static async Task<string> NewestAsync(CliContext context, ArmSession arm, Settings settings, string primaryId, JsonObject storage)
    {
        var account = storage["storageAccount"]!.GetValue<string>();
        var key = storage["accessKey"]?.GetValue<string>() ?? throw CliFailure.Usage("--use-latest reads the container itself: it needs --storage-account-key.");
        var catalog = BackupCommands.Open(account, key, storage["containerName"]!.GetValue<string>(), settings.BlobEndpoint, null, arm.CaFile);
        CatalogListing listing;
        try
        {
            listing = await catalog.ListAsync(context.Cancellation);
        }
        catch (CatalogException e)
        {
            throw new CliFailure(e.Code, e.Message);
        }

        var now = DateTimeOffset.UtcNow;
        // The primary's backups by its full id: a container shared by services of the same name in other groups holds theirs too.
        return listing.Archives.FirstOrDefault(a => a.Problem is null && !a.Expired(now) && string.Equals(a.SourceId, primaryId, StringComparison.OrdinalIgnoreCase))?.Name
            ?? throw new CliFailure("NoBackup", $"The container holds no readable, unexpired backup of {settings.Name}.");
    }

    private static Table Summary(JsonObject result, List<string> differences, List<SmokeRequest> smoke)
    {
        var table = CliContext.Fields(
            ("Passed", result["passed"]!.GetValue<bool>() ? "yes" : "NO"),
            ("Backup", result["backupName"]?.ToString()),
            ("Recovery point", $"{result["recoveryPointSeconds"]} s (age of what was restored when the standby served it)"),
            ("Recovery time", $"{result["recoveryTimeSeconds"]} s (start to the standby serving)"),
            ("Differences", differences.Count == 0 ? "none" : string.Join("\n", differences.Take(10))),
            ("Smoke requests", smoke.Count == 0 ? result["smokeNote"]?.ToString() : string.Join("\n", smoke.Select(s => $"{(s.Passed ? "ok" : "FAILED")} GET {s.Path}: {s.Detail}"))),
            ("Error", result["error"] is { } error ? $"{error["code"]}: {error["message"]}" : "none"));
        foreach (var step in result["timeline"]!.AsArray())
        {
            table.AddRow(Markup.Escape($"  {step!["step"]}"), Markup.Escape($"{step["seconds"]} s"));
        }

        return table;
    }
}

/// <summary>The drill's steps with their start and duration, shown live on stderr.</summary>
internal sealed class Timeline(CliContext context)
{
    private readonly Stopwatch _watch = Stopwatch.StartNew();
    private readonly JsonArray _steps = [];

    public DateTimeOffset Started { get; } = DateTimeOffset.UtcNow;

    public TimeSpan Elapsed => _watch.Elapsed;

    public async Task<T> StepAsync<T>(string step, Func<Task<T>> work)
    {
        context.Error.WriteLine($"drill: {step} ...");
        var start = _watch.Elapsed;
        var result = await work();
        var seconds = Math.Round((_watch.Elapsed - start).TotalSeconds, 3);
        _steps.Add(new JsonObject { ["step"] = step, ["startSeconds"] = Math.Round(start.TotalSeconds, 3), ["seconds"] = seconds });
        context.Error.WriteLine($"drill: {step}: {seconds} s");
        return result;
    }

    public void Note(string note) => context.Error.WriteLine($"drill:   {note}");

    public JsonArray ToJson() => (JsonArray)_steps.DeepClone();
}
