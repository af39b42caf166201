using System.Text.Json.Nodes;
using OpenApim.Backup.Requests;
using OpenApim.Resources.Arm;
using OpenApim.Resources.Kinds;
using OpenApim.Resources.Model;

namespace OpenApim.Backup.Replication;

/// <summary>
/// One replication resource as the shipper or follower uses it: its service, its stream, where and how often to ship. Equal
/// settings compare equal, so what a follower writes into the resource (its position) does not restart it.
/// </summary>
internal sealed record ReplicationConfig(
    ServiceRef Service, string Name, string Mode, StorageRequest Storage, StreamAddress Stream, TimeSpan SealInterval, TimeSpan BaseInterval, long BaseThresholdBytes, TimeSpan Retention)
{
    /// <summary>Identifies the stream across configuration changes (a changed resource restarts its shipper).</summary>
    public string Key => $"{Service.Key}/{Name.ToLowerInvariant()}";

    public static ReplicationConfig From(StoredResource resource)
    {
        var p = resource.Body["properties"]!.AsObject();
        var service = resource.Address.Service;
        var stream = new StreamAddress(Text(p, "streamPath") ?? ReplicationKinds.StreamPath(service.Name, resource.Address.Name));
        var storage = new StorageRequest(
            Text(p, "storageAccount")!,
            Text(p, "containerName")!,
            stream.Path,
            Enum.Parse<AccessType>(Text(p, "accessType") ?? nameof(AccessType.AccessKey)),
            Text(p, "accessKey"),
            Text(p, "clientId"));
        return new ReplicationConfig(
            service,
            resource.Address.Name,
            Text(p, "mode") ?? ReplicationKinds.Primary,
            storage,
            stream,
            TimeSpan.FromMilliseconds(Number(p, "sealIntervalMilliseconds", 500)),
            TimeSpan.FromHours(Number(p, "baseIntervalHours", 6)),
            Number(p, "baseSizeThresholdMegabytes", 256) << 20,
            TimeSpan.FromDays(Number(p, "retentionDays", 7)));
    }

    private static string? Text(JsonObject p, string name) => p[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    private static long Number(JsonObject p, string name, long fallback) => p[name] is JsonValue v && v.TryGetValue<long>(out var n) ? n : fallback;
}
