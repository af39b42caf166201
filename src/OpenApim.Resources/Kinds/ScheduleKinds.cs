using Cronos;
using OpenApim.Resources.Kinds.Schema;
using OpenApim.Resources.Model;

namespace OpenApim.Resources.Kinds;

/// <summary>
/// OpenApim's backup schedules (an extension, docs/schedules.md): a cron expression in a time zone, where to write, a name
/// pattern, "also after changes", and retention by count and age. Each run is an ordinary backup operation. Never in a backup
/// and left alone by a restore: a standby restored from the primary must not start writing the primary's backups.
/// </summary>
public static class ScheduleKinds
{
    public const string TimestampToken = "{timestamp}";

    public static readonly ResourceKind BackupSchedules = new()
    {
        Path = "backupSchedules",
        Names = NameRule.Max(63),
        Backup = BackupScope.Excluded,
        Properties =
        [
            P.Str("cron").Req().Len(9, 120),
            P.Str("timeZone").Len(1, 64).Default("UTC"),
            .. StorageSettings.Properties,
            P.Str("namePattern").Len(12, 200).Match("^[A-Za-z0-9{}._-]+$").Default("{service}-{timestamp}.apimbackup"),
            P.Int("afterChangesMinutes").Range(1, 24 * 60),
            P.Int("retentionCount").Range(1, 1000),
            P.Int("retentionDays").Range(1, 365),
            P.Bool("enabled").Default(true),
            P.Obj("state").RO(),
            P.Obj("status").RO(),
            P.Str("provisioningState").RO(),
        ],
        Hooks = new KindHooks
        {
            BeforeWrite = ctx =>
            {
                var cron = ctx.Properties["cron"]?.GetValue<string>() ?? "";
                if (cron.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length != 5 || !TryParse(cron, out _))
                {
                    ctx.Problem("properties.cron", $"'{cron}' is not a cron expression of five fields (minute hour day-of-month month day-of-week), e.g. '0 2 * * *' for 02:00 every day.");
                }

                var zone = ctx.Properties["timeZone"]?.GetValue<string>() ?? "UTC";
                if (!TryZone(zone, out _))
                {
                    ctx.Problem("properties.timeZone", $"'{zone}' is not a time zone this server knows (an IANA id such as Europe/Berlin, or UTC).");
                }

                var pattern = ctx.Properties["namePattern"]?.GetValue<string>() ?? "";
                if (pattern.Length > 0 && !pattern.Contains(TimestampToken, StringComparison.Ordinal))
                {
                    ctx.Problem("properties.namePattern", "'namePattern' must contain {timestamp}, so each run writes its own blob; {service} and {schedule} are replaced too.");
                }

                StorageSettings.Check(ctx);

                // What the runner recorded (the last slot it claimed, what it made) survives a change of the settings: a PUT cannot forge it.
                ctx.Properties["state"] = ctx.Existing?["state"]?.DeepClone();
                return Task.CompletedTask;
            },
            Render = p => p["provisioningState"] = "Succeeded",
        },
    };

    public static IReadOnlyList<ResourceKind> All { get; } = [BackupSchedules];

    public static bool TryParse(string cron, out CronExpression expression)
    {
        try
        {
            expression = CronExpression.Parse(cron, CronFormat.Standard);
            return true;
        }
        catch (CronFormatException)
        {
            expression = null!;
            return false;
        }
    }

    public static bool TryZone(string id, out TimeZoneInfo zone)
    {
        try
        {
            zone = id.Equals("UTC", StringComparison.OrdinalIgnoreCase) ? TimeZoneInfo.Utc : TimeZoneInfo.FindSystemTimeZoneById(id);
            return true;
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException or ArgumentException)
        {
            zone = TimeZoneInfo.Utc;
            return false;
        }
    }
}
