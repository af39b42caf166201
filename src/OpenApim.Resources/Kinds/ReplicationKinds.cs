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
    public const string UserAssigned = "UserAssignedManagedIdentity";

    public static readonly ResourceKind Replications = new()
    {
        Path = "replications",
        Names = NameRule.Max(63),
        Backup = BackupScope.Excluded,
        IfMatchRequired = false,
        Properties =
        [
            P.Str("storageAccount").Req().Match("^[a-z0-9]{3,24}$"),
            P.Str("containerName").Req().Match("^(?=.{3,63}$)[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9]))*$"),
            P.Enum("accessType", AccessKey, "SystemAssignedManagedIdentity", UserAssigned).Default(AccessKey),
            P.Str("accessKey").Len(1, 512).Secret(),
            P.Str("clientId").Len(1, 64),
            P.Int("sealIntervalMilliseconds").Range(100, 60_000).Default(1000),
            P.Int("baseIntervalHours").Range(1, 24 * 30).Default(24),
            P.Int("retentionDays").Range(1, 30).Default(7),
            P.Str("streamPath").RO(),
            P.Str("provisioningState").RO(),
        ],
        Hooks = new KindHooks
        {
            BeforeWrite = ctx =>
            {
                var type = ctx.Properties["accessType"]?.GetValue<string>() ?? AccessKey;
                if (type == AccessKey && ctx.Properties["accessKey"] is null)
                {
                    ctx.Problem("properties.accessKey", "'accessKey' is required when accessType is AccessKey.");
                }

                if (type == UserAssigned && ctx.Properties["clientId"] is null)
                {
                    ctx.Problem("properties.clientId", "'clientId' is required when accessType is UserAssignedManagedIdentity.");
                }

                // Where in the container the stream lives: named by service and replication, so several share a container.
                ctx.Properties["streamPath"] = StreamPath(ctx.Address.Service.Name, ctx.Address.Name);
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
