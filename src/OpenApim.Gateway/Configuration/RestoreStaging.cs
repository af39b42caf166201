using System.Collections.Concurrent;
using OpenApim.Resources.Arm;
using OpenApim.Resources.Model;
using OpenApim.Resources.Store;

namespace OpenApim.Gateway.Configuration;

/// <summary>
/// The restores running in this process, each building the gateway's records of its service from the rows as they are
/// written (<see cref="StagedService"/>). When the watcher reads a restore's journal record it takes the stage that
/// committed with the record's version and builds the runtime from it (<see cref="ServiceCache.LoadAsync(IResourceStore, StagedService?, CancellationToken)"/>)
/// instead of reading the whole service back; with no such stage (another node restored, the stage was abandoned or
/// could not parse a row) it loads the service whole, as before.
/// </summary>
internal sealed class RestoreStaging : IContentStaging
{
    private readonly ConcurrentDictionary<ServiceRef, StagedService> _stages = new();

    public IContentStage? Begin(ServiceRef service, IReadOnlyCollection<ResourceKind> replacedKinds)
    {
        var stage = new StagedService(service, replacedKinds, this);
        _stages[service] = stage;
        return stage;
    }

    /// <summary>
    /// The stage that committed as <paramref name="version"/>, taken out; null when there is none. A stage still running is
    /// waited for up to <paramref name="wait"/>: its commit is visible in the journal a moment before the restore says so.
    /// </summary>
    public async Task<StagedService?> TakeAsync(ServiceRef service, long version, TimeSpan wait, CancellationToken ct)
    {
        if (!_stages.TryGetValue(service, out var stage))
        {
            return null;
        }

        long? committed;
        try
        {
            committed = await stage.Outcome.WaitAsync(wait, ct);
        }
        catch (TimeoutException)
        {
            return null;
        }

        // A stage of a later restore stays for that restore's record; anything else has had its chance.
        if (committed > version)
        {
            return null;
        }

        _stages.TryRemove(KeyValuePair.Create(service, stage));
        return committed == version ? stage : null;
    }

    /// <summary>Drops a finished stage of a service that was loaded whole (its rows are no use any more).</summary>
    public void Forget(ServiceRef service)
    {
        if (_stages.TryGetValue(service, out var stage) && stage.Outcome.IsCompleted)
        {
            _stages.TryRemove(KeyValuePair.Create(service, stage));
        }
    }

    internal void Abandoned(StagedService stage) => _stages.TryRemove(KeyValuePair.Create(stage.Service, stage));
}
