using System.Text.Json.Nodes;
using OpenApim.Backup.Requests;
using OpenApim.Backup.Storage;
using OpenApim.Resources.Arm;
using OpenApim.Resources.Operations;
using OpenApim.Resources.Store;

namespace OpenApim.Backup.Jobs;

/// <summary>
/// <c>POST {service}/backup</c>, <c>/restore</c> and OpenApim's <c>/previewRestore</c>: validate the body for
/// the api-version (400 at once), check the service's identity when one is named, then start the
/// operation on this node. The access key is stored only sealed (<see cref="OperationSecrets"/>), so another
/// node can resume the operation when this one dies, and it is erased when the operation ends.
/// </summary>
internal sealed class StorageAction(string name, IResourceStore store, OperationRunner runner, OperationSecrets secrets, TimeProvider time) : IServiceAction
{
    public string Name => name;

    public async Task<OperationRecord> StartAsync(ServiceActionRequest request, CancellationToken ct)
    {
        var point = name == OperationKinds.Backup ? null : PointInTime.Parse(request.Body);
        var storage = StorageRequest.Parse(request.Body, request.ApiVersion, point?.Stream);
        var id = Guid.NewGuid().ToString("N");
        var stored = new JsonObject { ["storage"] = storage.ToStoredJson() };
        if (point is not null)
        {
            stored["pointInTime"] = PointInTime.ToJson(point);
        }

        if (request.Schedule is { } schedule)
        {
            stored["schedule"] = schedule;
        }

        if (storage.AccessKey is { } accessKey)
        {
            stored[OperationSecrets.RequestMember] = new JsonObject { ["accessKey"] = secrets.Seal(id, accessKey) };
        }

        if (name != OperationKinds.Backup)
        {
            stored["scope"] = ParseScope(request.Body).ToString();
            if (RestoredEntities.Parse(request.Body) is { } entities)
            {
                stored["entities"] = new JsonArray([.. entities.Select(e => (JsonNode)e)]);
            }
        }

        var service = await store.RequireServiceAsync(request.Service, ct);
        BlobTargets.CheckIdentity(storage, request.Service, service.Body);
        if (name == OperationKinds.Restore && await FollowedReplicationAsync(request.Service, ct) is { } following)
        {
            // A standby takes its content from the stream it follows; a restore on top would diverge from it unnoticed.
            throw ArmErrors.ServiceFollowing(request.Service.Name, following);
        }

        return await runner.StartAsync(new OperationRecord
        {
            Id = id,
            Kind = name,
            ServiceKey = request.Service.Key,
            ServiceId = request.Service.Id,
            Status = OperationStatus.Running,
            ApiVersion = request.ApiVersion,
            CreatedAt = time.GetUtcNow(),
            Request = stored,
            // Any node can redo the work: a managed identity's credential comes from configuration, an access key is sealed in the row.
            Resumable = true,
        }, ct);
    }

    private async Task<string?> FollowedReplicationAsync(Resources.Arm.ServiceRef service, CancellationToken ct) =>
        (await store.ListAsync(Resources.Model.ListQuery.InService(Resources.Kinds.KindCatalog.Replications, service), ct)).Items
            .FirstOrDefault(r => r.Body["properties"]?["mode"]?.GetValue<string>() == Resources.Kinds.ReplicationKinds.Standby)?.Address.Name;

    /// <summary>OpenApim extension: <c>"restoreScope": "All" | "Configuration"</c> in the restore body.</summary>
    private static RestoreScope ParseScope(JsonObject body)
    {
        var key = body.KeyOf("restoreScope");
        if (key is null || body[key] is null)
        {
            return RestoreScope.All;
        }

        return body[key] is JsonValue v && v.TryGetValue<string>(out var s) && Enum.TryParse<RestoreScope>(s, ignoreCase: true, out var scope) && !int.TryParse(s, out _)
            ? scope
            : throw ArmErrors.Validation("restoreScope", "'restoreScope' must be 'All' (everything, the default) or 'Configuration' (keep the target's users, subscriptions and keys).");
    }
}
