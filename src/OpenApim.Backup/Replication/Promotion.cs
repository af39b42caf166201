using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using OpenApim.Backup.Archive;
using OpenApim.Backup.Jobs;
using OpenApim.Backup.Storage;
using OpenApim.Resources.Arm;
using OpenApim.Resources.Kinds;
using OpenApim.Resources.Model;
using OpenApim.Resources.Operations;
using OpenApim.Resources.Store;

namespace OpenApim.Backup.Replication;

/// <summary>
/// <c>POST {standby}/promote</c> (OpenApim extension; body <c>{"replication": "r1"}</c>, optional when the service follows one
/// stream): failover. Applies everything durable in the stream, fences the stream (a new generation, so the old primary stops
/// appending when it comes back), marks the replication <c>Promoted</c> (the service accepts writes again) and reports the
/// recovery point it promoted at. A stream broken or corrupted past some point promotes at the last good point and says so.
/// </summary>
internal sealed partial class Promotion(IResourceStore store, BlobTargets targets, JobOptions jobs, ReplicationBoard board, TimeProvider time, ILogger<Promotion> logger)
    : IOperationHandler
{
    public const string ActionName = "promote";

    public string Kind => ActionName;

    /// <summary>Starts a promote (the handler runs it; the runner depends on the handlers, so starting is separate).</summary>
    internal sealed class Action(IResourceStore store, OperationRunner runner, TimeProvider time) : IServiceAction
    {
        public string Name => ActionName;

        public async Task<OperationRecord> StartAsync(ServiceActionRequest request, CancellationToken ct)
        {
            var key = request.Body.KeyOf("replication");
            var named = key is null ? null : request.Body[key] is JsonValue v && v.TryGetValue<string>(out var s) ? s : throw ArmErrors.Validation("replication", "'replication' must be the name of the standby's replication.");
            var replication = await FindStandbyAsync(store, request.Service, named, ct);
            return await runner.StartAsync(new OperationRecord
            {
                Id = Guid.NewGuid().ToString("N"),
                Kind = ActionName,
                ServiceKey = request.Service.Key,
                ServiceId = request.Service.Id,
                Status = OperationStatus.Running,
                ApiVersion = request.ApiVersion,
                CreatedAt = time.GetUtcNow(),
                Request = new JsonObject { ["replication"] = replication.Address.Name },
                Resumable = true,
            }, ct);
        }
    }

    public async Task<JsonObject?> RunAsync(OperationContext context)
    {
        var (op, ct) = (context.Operation, context.Cancellation);
        var started = time.GetUtcNow();
        var service = ServiceRef.FromId(op.ServiceId);
        var row = await FindStandbyAsync(store, service, op.Request!["replication"]!.GetValue<string>(), ct);
        var config = ReplicationConfig.From(row);
        var target = targets.Open(config.Storage, service);
        var follower = new StreamFollower(config, target, store, jobs, board, time, logger);
        context.Report(new JsonObject { ["phase"] = "applying" });
        FollowerState? state;
        string? stoppedBecause = null;
        try
        {
            state = await follower.CatchUpAsync(new OperationClaim(op.Id, op.Owner!), ct);
        }
        catch (Exception e) when (e is ArmException or ArchiveException or StorageException)
        {
            // Promote anyway, at the last good point: a standby that cannot read further is exactly what failover is for.
            stoppedBecause = e.Message;
            state = FollowerState.FromJson((await store.GetAsync(row.Address, ct))?.Body["properties"]?["follower"]);
        }

        if (state is null)
        {
            throw ArmErrors.RestoreFailed("PointNotRecoverable", $"The standby has not applied a base of stream {config.Stream.Path} yet; there is nothing to promote.");
        }

        context.Report(new JsonObject { ["phase"] = "fencing" });
        long? generation = null;
        try
        {
            generation = await StreamGenerations.AdvanceAsync(target, config.Stream, service.Id, state.Position, time.GetUtcNow(), ct);
        }
        catch (StorageException e)
        {
            // The region's storage is gone too: promote anyway (that is what failover is for), unfenced, and say so.
            stoppedBecause = $"{stoppedBecause} The stream could not be fenced ({e.Message}): delete the old primary's replication before it comes back.".Trim();
        }

        await store.WriteAsync(service, WriteScope.Replication, async writer =>
        {
            var current = await writer.GetAsync(row.Address, ct) ?? throw ArmErrors.EntityNotFound(row.Address.RelativeId);
            var properties = current.Body["properties"]!.AsObject();
            properties["mode"] = ReplicationKinds.Promoted;
            var follower = state.ToJson();
            follower["promotedAt"] = Manifest.Time(time.GetUtcNow());
            follower["generation"] = generation;
            properties["follower"] = follower;
            await writer.PutAsync(new ResourceRow(row.Address, current.Body), null, ct);
            return 0;
        }, ct);
        LogPromoted(logger, service.Name, config.Stream.Path, state.Position, generation);
        return new JsonObject
        {
            ["summary"] = new JsonObject
            {
                ["replication"] = row.Address.Name,
                ["stream"] = config.Stream.Path,
                ["recoveryPoint"] = state.AppliedThrough is { } at ? Manifest.Time(at) : null,
                ["journalPosition"] = state.Position,
                ["generation"] = generation,
                ["fenced"] = generation is not null,
                ["stoppedBecause"] = stoppedBecause,
                ["durationMs"] = (long)(time.GetUtcNow() - started).TotalMilliseconds,
            },
        };
    }

    private static async Task<StoredResource> FindStandbyAsync(IResourceStore store, ServiceRef service, string? name, CancellationToken ct)
    {
        await store.RequireServiceAsync(service, ct);
        var page = await store.ListAsync(ListQuery.InService(KindCatalog.Replications, service) with { Top = 100 }, ct);
        var standbys = page.Items.Where(r => r.Body["properties"]?["mode"]?.GetValue<string>() == ReplicationKinds.Standby
            && (name is null || r.Address.Name.Equals(name, StringComparison.OrdinalIgnoreCase))).ToList();
        return standbys.Count switch
        {
            1 => standbys[0],
            0 => throw ArmErrors.Validation("replication", name is null
                ? $"The service '{service.Name}' follows no replication (a replication with mode Standby); there is nothing to promote."
                : $"The service '{service.Name}' has no standby replication named '{name}'."),
            _ => throw ArmErrors.Validation("replication", $"The service '{service.Name}' follows several replications; name the one to promote ('replication')."),
        };
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Standby {Service} promoted on stream {Stream} at journal position {Position}; the stream is now at generation {Generation}")]
    private static partial void LogPromoted(ILogger logger, string service, string stream, long position, long? generation);
}
