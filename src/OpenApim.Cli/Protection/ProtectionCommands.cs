using System.CommandLine;
using System.Text.Json.Nodes;
using OpenApim.Cli.Apim;
using OpenApim.Cli.Common;

namespace OpenApim.Cli.Protection;

/// <summary>
/// <c>openapim schedule ...</c> (backup schedules) and <c>openapim replication ...</c> (continuous protection): OpenApim's
/// extension resources under a service, with create, show, list and delete, and <c>replication promote</c>.
/// </summary>
internal static class ProtectionCommands
{
    private static readonly Option<string> Account = CommonOptions.Required("--storage-account-name", "Storage account name.");
    private static readonly Option<string?> Key = CommonOptions.Optional("--storage-account-key", "Storage account key (access type AccessKey).");
    private static readonly Option<string> Container = CommonOptions.Required("--container-name", "Container (it must exist).", "--storage-account-container");
    private static readonly Option<string?> AccessType = CommonOptions.Optional("--access-type", "AccessKey (default), SystemAssignedManagedIdentity or UserAssignedManagedIdentity.");
    private static readonly Option<string?> ClientId = CommonOptions.Optional("--identity-client-id", "Client id of the user-assigned managed identity.");

    public static IEnumerable<Command> Build()
    {
        var scheduleName = CommonOptions.Required("--schedule-name", "Name of the schedule.");
        var cron = CommonOptions.Required("--cron", "Five-field cron expression (minute hour day-of-month month day-of-week), e.g. '0 2 * * *'.");
        var zone = CommonOptions.Optional("--time-zone", "IANA time zone of the cron expression (default UTC).");
        var pattern = CommonOptions.Optional("--name-pattern", "Backup blob name with {timestamp} (and {service}, {schedule}); default {service}-{timestamp}.apimbackup.");
        var afterChanges = new Option<int?>("--after-changes-minutes") { Description = "Also back up after changes, at most every N minutes while the journal moves." };
        var count = new Option<int?>("--retention-count") { Description = "Keep this many of the schedule's newest backups." };
        var days = new Option<int?>("--retention-days") { Description = "Delete the schedule's backups older than this (never the newest good one)." };
        var disabled = CommonOptions.Flag("--disabled", "Create it paused.");
        var schedule = ResourceCommands.Family("schedule", "Backup schedules of a service (an OpenApim extension; docs/schedules.md).", "backupSchedules", scheduleName,
            [("Name", "name"), ("Cron", "properties.cron"), ("Zone", "properties.timeZone"), ("State", "properties.status.state"), ("Next run", "properties.status.nextRunAt"),
             ("Newest good backup", "properties.status.newestGoodBackup"), ("Age s", "properties.status.newestGoodBackupAgeSeconds")]);
        schedule.Subcommands.Add(Create("create", "Create or replace a backup schedule.\n\nExample:\n  openapim schedule create -g rg1 -n contoso --schedule-name nightly --cron '0 2 * * *' --time-zone Europe/Berlin --storage-account-name acct --storage-account-key KEY --container-name backups --retention-count 14",
            "backupSchedules", scheduleName, [cron, zone, pattern, afterChanges, count, days, disabled], context => new JsonObject
            {
                ["cron"] = context.Get(cron), ["timeZone"] = context.Get(zone), ["namePattern"] = context.Get(pattern), ["afterChangesMinutes"] = context.Get(afterChanges),
                ["retentionCount"] = context.Get(count), ["retentionDays"] = context.Get(days), ["enabled"] = !context.Get(disabled),
            }));

        var replicationName = CommonOptions.Required("--replication-name", "Name of the replication.");
        var mode = CommonOptions.Optional("--mode", "Primary (default: ship this service) or Standby (follow --source).");
        var source = CommonOptions.Optional("--source", "For a standby: the stream to follow, '{service}/{replication}'.");
        var seal = new Option<int?>("--seal-interval-ms") { Description = "At most one segment per interval while changes arrive (default 500)." };
        var replication = ResourceCommands.Family("replication", "Replications of a service: continuous protection (an OpenApim extension; docs/continuous-protection.md).", "replications", replicationName,
            [("Name", "name"), ("Mode", "properties.mode"), ("Source", "properties.source"), ("State", "properties.status.state"), ("Recovery point", "properties.status.recoveryPoint"),
             ("Lag s", "properties.status.lagSeconds"), ("Position", "properties.status.journalPosition")]);
        replication.Subcommands.Add(Create("create", "Create or replace a replication.\n\nExample:\n  openapim replication create -g rg1 -n contoso --replication-name r1 --storage-account-name acct --storage-account-key KEY --container-name streams",
            "replications", replicationName, [mode, source, seal], context => new JsonObject
            {
                ["mode"] = context.Get(mode), ["source"] = context.Get(source), ["sealIntervalMilliseconds"] = context.Get(seal),
            }));
        var promote = new Command("promote", "Promote a standby: apply everything durable, stop following, accept writes.") { CommonOptions.Group, CommonOptions.Name };
        var which = CommonOptions.Optional("--replication-name", "The standby's replication (default: its only one).");
        promote.Options.Add(which);
        promote.SetAction((parse, ct) => CommandRunner.RunAsync((parse, ct), async context =>
        {
            var arm = await context.ArmAsync();
            var body = new JsonObject();
            if (context.Get(which) is { } named)
            {
                body["replication"] = named;
            }

            var outcome = await ApimCommands.Run(context, arm, $"{arm.Service(context.Get(CommonOptions.Group), context.Get(CommonOptions.Name))}/promote", body, "promote");
            context.Write(ApimCommands.Result(outcome));
        }));
        replication.Subcommands.Add(promote);
        return [schedule, replication];
    }

    /// <summary>A create with the storage options both kinds take, added to the kind's own properties.</summary>
    private static Command Create(string name, string description, string segment, Option<string> id, Option[] options, Func<CliContext, JsonObject> properties) =>
        ResourceCommands.Put(name, description, segment, id, [Account, Key, Container, AccessType, ClientId, .. options], context =>
        {
            var props = properties(context);
            props["storageAccount"] = context.Get(Account);
            props["containerName"] = context.Get(Container);
            props["accessKey"] = context.Get(Key);
            props["accessType"] = context.Get(AccessType);
            props["clientId"] = context.Get(ClientId);
            return props;
        });
}
