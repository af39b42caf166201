using System.Collections.Concurrent;
using System.Text.Json;
using OpenApim.Resources.Arm;
using OpenApim.Resources.Model;
using OpenApim.Resources.Store;

namespace OpenApim.Gateway.Configuration;

/// <summary>
/// The gateway's records of one restore's rows, parsed on the restore's checker threads while its writer writes them.
/// A row that cannot be parsed spoils the stage (a whole load reads and counts unreadable rows); an abandoned or spoiled
/// stage reports no version and is never used.
/// </summary>
internal sealed class StagedService(ServiceRef service, IReadOnlyCollection<ResourceKind> replacedKinds, RestoreStaging owner) : IContentStage
{
    private readonly HashSet<ResourceKind> _replaced = [.. replacedKinds];
    private readonly ConcurrentQueue<KeyValuePair<string, GatewayRecord>[]> _batches = new();
    private readonly TaskCompletionSource<long?> _outcome = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _spoiled;
    private int _subscriptions;
    private int _users;

    public ServiceRef Service => service;

    /// <summary>The version the restore committed as; null once abandoned or spoiled.</summary>
    public Task<long?> Outcome => _outcome.Task;

    public int Subscriptions => _subscriptions;

    public int Users => _users;

    /// <summary>The records by row path (each row once: the restore's check refuses duplicates).</summary>
    public IEnumerable<KeyValuePair<string, GatewayRecord>> Records => _batches.SelectMany(b => b);

    /// <summary>Whether the restore replaced the rows of <paramref name="kind"/> (else they are read from the store).</summary>
    public bool Replaces(ResourceKind kind) => _replaced.Contains(kind);

    public void Add(IReadOnlyList<RawResource> rows)
    {
        if (_spoiled || _outcome.Task.IsCompleted)
        {
            return;
        }

        var records = new List<KeyValuePair<string, GatewayRecord>>(rows.Count);
        int subscriptions = 0, users = 0;
        foreach (var row in rows)
        {
            if (!GatewayRecord.Kinds.Contains(row.Kind))
            {
                continue;
            }

            try
            {
                if (GatewayRecord.From(row.Kind, row.RelativeId, row.Body) is { } record)
                {
                    records.Add(new(row.Path, record));
                    subscriptions += record is SubscriptionRecord ? 1 : 0;
                    users += record is UserRecord ? 1 : 0;
                }
            }
            catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException or IndexOutOfRangeException)
            {
                _spoiled = true;
                return;
            }
        }

        Interlocked.Add(ref _subscriptions, subscriptions);
        Interlocked.Add(ref _users, users);
        _batches.Enqueue([.. records]);
    }

    public void Committed(long version) => _outcome.TrySetResult(_spoiled ? null : version);

    public void Dispose()
    {
        if (_outcome.TrySetResult(null))
        {
            owner.Abandoned(this);
        }
    }
}
