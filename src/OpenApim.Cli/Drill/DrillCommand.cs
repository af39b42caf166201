using System.CommandLine;
using System.Text.Json.Nodes;
using OpenApim.Backup.Catalog;
using OpenApim.Cli.Apim;
using OpenApim.Cli.Backups;
using OpenApim.Cli.Common;
using OpenApim.Drills;
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
        var storage = settings.Storage.Body(context);
        var named = storage["backupName"]?.GetValue<string>();
        storage.Remove("backupName");
        var plan = new DrillPlan(
            arm.Service(settings.Group, settings.Name),
            arm.Service(settings.StandbyGroup, settings.StandbyName),
            storage,
            named,
            settings.UseLatest ? (primaryId, token) => NewestAsync(arm, settings, primaryId, storage, token) : null,
            settings.Promote,
            settings.StandbyLocation,
            settings.PrimaryGateway,
            settings.StandbyGateway);
        var timeline = new DrillTimeline(TimeProvider.System);
        timeline.Changed += step => context.Error.WriteLine(step.State switch
        {
            "running" => $"drill: {step.Name} ...",
            "note" => $"drill: {step.Name}",
            _ => $"drill: {step.Name}: {step.Seconds} s{(step.State == "failed" ? " (failed)" : "")}",
        });
        using var gateways = Trust.Client(arm.CaFile, TimeSpan.FromSeconds(15));
        var result = await new DrillEngine(new CliDrillArm(arm), gateways, TimeProvider.System).RunAsync(plan, timeline, ct);
        if (settings.Report is { } file)
        {
            await File.WriteAllTextAsync(file, DrillReport.Html(result), ct);
            result["report"] = Path.GetFullPath(file);
        }

        context.Write(result, () => Summary(result));
        if (DrillEngine.Why(result) is { } why)
        {
            await context.Error.WriteLineAsync($"ERROR: {why}");
            return ExitCodes.Failed;
        }

        return ExitCodes.Success;
    }

    private static async Task<string> NewestAsync(ArmSession arm, Settings settings, string primaryId, JsonObject storage, CancellationToken ct)
    {
        var account = storage["storageAccount"]!.GetValue<string>();
        var key = storage["accessKey"]?.GetValue<string>() ?? throw CliFailure.Usage("--use-latest reads the container itself: it needs --storage-account-key.");
        var catalog = BackupCommands.Open(account, key, storage["containerName"]!.GetValue<string>(), settings.BlobEndpoint, null, arm.CaFile);
        CatalogListing listing;
        try
        {
            listing = await catalog.ListAsync(ct);
        }
        catch (CatalogException e)
        {
            throw new DrillStepException(e.Code, e.Message);
        }

        var now = DateTimeOffset.UtcNow;
        // The primary's backups by its full id: a container shared by services of the same name in other groups holds theirs too.
        return listing.Archives.FirstOrDefault(a => a.Problem is null && !a.Expired(now) && string.Equals(a.SourceId, primaryId, StringComparison.OrdinalIgnoreCase))?.Name
            ?? throw new DrillStepException("NoBackup", $"The container holds no readable, unexpired backup of {settings.Name}.");
    }

    private static Table Summary(JsonObject result)
    {
        var differences = result["differences"]!.AsArray().Select(d => d!.GetValue<string>()).ToList();
        var smoke = result["smoke"]!.AsArray().OfType<JsonObject>().ToList();
        var table = CliContext.Fields(
            ("Passed", result["passed"]!.GetValue<bool>() ? "yes" : "NO"),
            ("Backup", result["backupName"]?.ToString()),
            ("Recovery point", $"{result["recoveryPointSeconds"]} s (age of what was restored when the standby served it)"),
            ("Recovery time", $"{result["recoveryTimeSeconds"]} s (start to the standby serving)"),
            ("Differences", differences.Count == 0 ? "none" : string.Join("\n", differences.Take(10))),
            ("Smoke requests", smoke.Count == 0 ? result["smokeNote"]?.ToString() : string.Join("\n", smoke.Select(s => $"{(s["passed"]!.GetValue<bool>() ? "ok" : "FAILED")} GET {s["path"]}: {s["detail"]}"))),
            ("Error", result["error"] is { } error ? $"{error["code"]}: {error["message"]}" : "none"));
        foreach (var step in result["timeline"]!.AsArray())
        {
            table.AddRow(Markup.Escape($"  {step!["step"]}"), Markup.Escape($"{step["seconds"]} s"));
        }

        return table;
    }
}
