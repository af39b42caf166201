using OpenApim.Resources.Kinds.Schema;
using OpenApim.Resources.Model;

namespace OpenApim.Resources.Kinds;

/// <summary>
/// The storage settings that the kinds writing to a container share (replications and backup schedules), spelled as
/// <c>POST backup</c> takes them, and their checks: an access key for AccessKey, a client id for a user-assigned identity.
/// </summary>
internal static class StorageSettings
{
    public static Prop[] Properties =>
    [
        P.Str("storageAccount").Req().Match("^[a-z0-9]{3,24}$"),
        P.Str("containerName").Req().Len(3, 63).Match("^[a-z0-9](?:-?[a-z0-9])*$"),
        P.Enum("accessType", ReplicationKinds.AccessKey, "SystemAssignedManagedIdentity", ReplicationKinds.UserAssigned).Default(ReplicationKinds.AccessKey),
        P.Str("accessKey").Len(1, 512).Secret(),
        P.Str("clientId").Len(1, 64),
    ];

    public static void Check(EntityWriteContext ctx)
    {
        var type = ctx.Properties["accessType"]?.GetValue<string>() ?? ReplicationKinds.AccessKey;
        if (type == ReplicationKinds.AccessKey && ctx.Properties["accessKey"] is null)
        {
            ctx.Problem("properties.accessKey", "'accessKey' is required when accessType is AccessKey.");
        }

        if (type == ReplicationKinds.UserAssigned && ctx.Properties["clientId"] is null)
        {
            ctx.Problem("properties.clientId", "'clientId' is required when accessType is UserAssignedManagedIdentity.");
        }
    }
}
