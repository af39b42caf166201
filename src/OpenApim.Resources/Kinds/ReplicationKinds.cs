using OpenApim.Resources.Kinds.Schema;
using OpenApim.Resources.Model;

namespace OpenApim.Resources.Kinds;

/// <summary>
/// OpenApim's continuous protection (an extension, docs/continuous-protection.md): a replication ships the service's
/// journal to a storage container as a base archive and sealed segments. Never in a backup and left alone by a restore:
/// a standby restored from the primary must not start shipping into the primary's stream.
/// </summary>
public static class ReplicationKinds
{
    public const string AccessKey = "AccessKey";

    /// <summary>Ships this service's journal into the stream (the default).</summary>
    public const string Primary = "Primary";

    /// <summary>Follows another service's stream: applies it continuously and refuses management writes.</summary>
    public const string Standby = "Standby";

    /// <summary>Was a standby, promoted: writable, follows nothing, ships nothing.</summary>
    public const string Promoted = "Promoted";

    public const string UserAssigned = "UserAssignedManagedIdentity";

    public static readonly ResourceKind Replications = new()
    {
        Path = "replications",
        Names = NameRule.Max(63),
        Backup = BackupScope.Excluded,
        Properties =
        [
            .. StorageSettings.Properties,
            P.Enum("mode", Primary, Standby, Promoted).Default(Primary),
            P.Str("source").Len(3, 120).Match("^[a-zA-Z](?:[a-zA-Z0-9-]{0,48}[a-zA-Z0-9])?/[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$"),
            P.Int("sealIntervalMilliseconds").Range(100, 60_000).Default(500),
            P.Int("baseIntervalHours").Range(1, 24 * 30).Default(6),
            P.Int("baseSizeThresholdMegabytes").Range(1, 64 * 1024).Default(256),
            P.Int("retentionDays").Range(1, 30).Default(7),
            P.Str("streamPath").RO(),
            P.Obj("follower").RO(),
            P.Obj("status").RO(),
            P.Str("provisioningState").RO(),
        ],
        Hooks = new KindHooks
        {
            BeforeWrite = ctx =>
            {
                StorageSettings.Check(ctx);
                var mode = ctx.Properties["mode"]?.GetValue<string>() ?? Primary;
                var source = ctx.Properties["source"]?.GetValue<string>();
                if (mode == Standby && source is null)
                {
                    ctx.Problem("properties.source", "'source' (\"{service}/{replication}\": the stream to follow) is required when mode is Standby.");
                }

                if (mode == Promoted && ctx.Existing?["mode"]?.GetValue<string>() != Promoted)
                {
                    ctx.Problem("properties.mode", "A replication becomes Promoted by POST .../promote on its standby service, not by a write.");
                }

                // Where in the container the stream lives: this service's own for a primary, the followed one's for a standby.
                var slash = source?.IndexOf('/', StringComparison.Ordinal) ?? -1;
                ctx.Properties["streamPath"] = mode == Primary || slash < 0
                    ? StreamPath(ctx.Address.Service.Name, ctx.Address.Name)
                    : StreamPath(source![..slash], source[(slash + 1)..]);

                // What the follower applied is kept across writes of the settings (a PUT cannot forge it), unless the stream changes.
                var sameStream = ctx.Existing is { } before && before["streamPath"]?.GetValue<string>() == ctx.Properties["streamPath"]!.GetValue<string>()
                    && before["storageAccount"]?.GetValue<string>() == ctx.Properties["storageAccount"]?.GetValue<string>()
                    && before["containerName"]?.GetValue<string>() == ctx.Properties["containerName"]?.GetValue<string>();
                ctx.Properties["follower"] = sameStream ? ctx.Existing!["follower"]?.DeepClone() : null;
                return Task.CompletedTask;
            },
            Render = p => p["provisioningState"] = "Succeeded",
        },
    };

    public static IReadOnlyList<ResourceKind> All { get; } = [Replications];

    /// <summary>The stream's folder in the container: <c>replications/{service}/{replication}</c>, lower case.</summary>
    public static string StreamPath(string service, string replication) =>
        $"replications/{service.ToLowerInvariant()}/{replication.ToLowerInvariant()}";
}
