using System.Text.Json;
using OpenApim.Gateway.Runtime;
using OpenApim.Resources.Arm;
using OpenApim.Resources.Hosting;
using OpenApim.Resources.Kinds;
using OpenApim.Resources.Model;
using OpenApim.Resources.Store;
using OpenApim.Resources.Store.Journal;

namespace OpenApim.Gateway.Configuration;

/// <summary>
/// One service's rows as compact records and the runtime built from them. <see cref="LoadAsync(IResourceStore, CancellationToken)"/> reads the whole service;
/// <see cref="ApplyAsync"/> applies journal records: it re-reads only the rows they name and changes only the parts of the
/// runtime they touch (a subscription change touches the key index and nothing else). Both read everything first and
/// change nothing until the read is complete, so a read that fails half-way leaves the cache as it was. A row that cannot
/// be parsed is left out (its keys stop working) and counted in <see cref="UnreadableRows"/> until a later write replaces it.
/// </summary>
internal sealed class ServiceCache(ServiceRef service, Deployment deployment)
{
    /// <summary>More changed rows than this in one batch are cheaper to read as a whole service.</summary>
    public const int MaxChangedRows = 1000;

    private static readonly IReadOnlyList<string> UserProperties = ["state"];

    /// <summary>The state of a user whose row cannot be read: not active, so their subscriptions are refused.</summary>
    private const string UnreadableState = "unreadable";

    /// <summary>The kinds read whole (everything but subscriptions and users).</summary>
    private static readonly IReadOnlyCollection<ResourceKind> ConfigKinds = [.. GatewayRecord.Kinds.Where(k => k != KindCatalog.Subscriptions && k != KindCatalog.Users)];

    private readonly Dictionary<string, GatewayRecord> _config = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SubscriptionRecord> _subscriptions = new(StringComparer.Ordinal);
    private readonly Dictionary<string, UserRecord> _users = new(StringComparer.Ordinal);
    private readonly KeyHolders _holders = new();
    private readonly HashSet<string> _unreadable = new(StringComparer.Ordinal);
    private readonly PolicyCache _policies = new();

    public ServiceRef Service => service;

    public ServiceRuntime? Runtime { get; private set; }

    /// <summary>True until a load succeeded, and again after a failed apply: the next refresh loads the whole service.</summary>
    public bool NeedsLoad { get; private set; } = true;

    public int UnreadableRows => _unreadable.Count;

    /// <summary>Reads the whole service and rebuilds its runtime (a first load, a restore, a reader that fell behind).</summary>
    public Task LoadAsync(IResourceStore store, CancellationToken ct) => LoadAsync(store, null, ct);

    /// <summary>
    /// Rebuilds the runtime from a committed restore's records of the kinds it replaced (<paramref name="staged"/>) and the
    /// rest of the service read as it is now; with no stage, from the whole service read.
    /// </summary>
    public async Task LoadAsync(IResourceStore store, StagedService? staged, CancellationToken ct)
    {
        bool Read(ResourceKind kind) => staged?.Replaces(kind) != true;

        // Subscriptions and users are most of a big service: only the properties the gateway needs are read, as text.
        // The three reads run side by side (each is a read of committed rows on its own connection, as they were in turn).
        var rowsRead = ReadAllAsync(store.ReadChangedAsync(service, [.. ConfigKinds.Where(Read)], 0, ct));
        var subscriptionsRead = Read(KindCatalog.Subscriptions)
            ? ReadAllAsync(store.ReadPropertiesAsync(service, KindCatalog.Subscriptions, GatewayRecord.SubscriptionProperties, ct))
            : Task.FromResult(new List<ProjectedRow>());
        var usersRead = Read(KindCatalog.Users)
            ? ReadAllAsync(store.ReadPropertiesAsync(service, KindCatalog.Users, UserProperties, ct))
            : Task.FromResult(new List<ProjectedRow>());
        await Task.WhenAll(rowsRead, subscriptionsRead, usersRead);
        var (rows, subscriptions, users) = (await rowsRead, await subscriptionsRead, await usersRead);

        _config.Clear();
        _subscriptions.Clear();
        _subscriptions.EnsureCapacity(subscriptions.Count + (staged?.Subscriptions ?? 0));
        _holders.Clear((subscriptions.Count + (staged?.Subscriptions ?? 0)) * 2);
        _users.Clear();
        _users.EnsureCapacity(users.Count + (staged?.Users ?? 0));
        _unreadable.Clear();
        foreach (var (path, record) in staged?.Records ?? [])
        {
            Set(path, record);
        }

        foreach (var row in rows)
        {
            Set(row.Row.Path, Parse(row.Row));
        }

        foreach (var row in subscriptions)
        {
            Set(row.Path, row.HasProperties ? GatewayRecord.Subscription(NameOf(row.RelativeId), row.Values) : Unreadable(row.Path));
        }

        foreach (var row in users)
        {
            Set(row.Path, row.HasProperties
                ? GatewayRecord.User(NameOf(row.RelativeId), row.Values[0])
                : Unreadable(row.Path, GatewayRecord.User(NameOf(row.RelativeId), UnreadableState)));
        }

        Runtime = _config.ContainsKey("")
            ? RuntimeBuilder.Build(service.Key, service.Name, _config.Values, KeyIndex.Build(_subscriptions, _holders), KeyIndex.Users(_users.Values), deployment, _policies)
            : null;
        NeedsLoad = false;
    }

    /// <summary>
    /// Applies journal records of this service. Rows are read as they are now (which may already include later records;
    /// applying those again later changes nothing). Returns false when the records need a full load instead.
    /// </summary>
    public async Task<bool> ApplyAsync(IResourceStore store, IReadOnlyList<JournalEntry> entries, CancellationToken ct)
    {
        var deletedTrees = new List<string>();
        var changed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            if (entry.Operation is not (ChangeOperation.Upsert or ChangeOperation.Delete) || Runtime is null)
            {
                return false;
            }

            var kind = entry.Kind == ResourceKind.Service.Path ? ResourceKind.Service : KindCatalog.Find(entry.Kind);
            if (kind is null || !GatewayRecord.Kinds.Contains(kind))
            {
                continue;
            }

            var path = entry.RelativeId.ToLowerInvariant();
            if (entry.Operation == ChangeOperation.Delete)
            {
                if (path.Length == 0)
                {
                    return false;
                }

                deletedTrees.Add(path);
            }

            changed.Add(path);
        }

        if (changed.Count > MaxChangedRows)
        {
            return false;
        }

        var rows = new Dictionary<string, RawResource>(StringComparer.Ordinal);
        if (changed.Count > 0)
        {
            await foreach (var row in store.ReadRowsAsync(service, changed, ct))
            {
                if (GatewayRecord.Kinds.Contains(row.Row.Kind))
                {
                    rows[row.Row.Path] = row.Row;
                }
            }
        }

        // Nothing has changed so far; from here on nothing can fail but a bug.
        var keyChanges = new List<(SubscriptionRecord? Old, SubscriptionRecord? New)>();
        var userChanges = new List<KeyValuePair<string, string?>>();
        var configChanged = false;
        void Track(string path, GatewayRecord? old, GatewayRecord? now)
        {
            if (old is SubscriptionRecord || now is SubscriptionRecord)
            {
                keyChanges.Add((old as SubscriptionRecord, now as SubscriptionRecord));
            }
            else if (old is UserRecord || now is UserRecord)
            {
                userChanges.Add(new(((old ?? now) as UserRecord)!.Name, (now as UserRecord)?.State));
            }
            else if (old is not null || now is not null)
            {
                configChanged = true;
            }
        }

        foreach (var tree in deletedTrees)
        {
            var prefix = tree + "/";
            foreach (var path in _config.Keys.Where(p => p == tree || p.StartsWith(prefix, StringComparison.Ordinal)).ToList())
            {
                Track(path, Remove(path), null);
            }

            _unreadable.RemoveWhere(p => p == tree || p.StartsWith(prefix, StringComparison.Ordinal));
        }

        foreach (var path in changed)
        {
            var old = Remove(path);
            GatewayRecord? now = null;
            if (rows.TryGetValue(path, out var row))
            {
                now = Parse(row);
            }
            else
            {
                _unreadable.Remove(path);
            }

            Set(path, now);
            Track(path, old, now);
        }

        if (!_config.ContainsKey(""))
        {
            Runtime = null;
            return true;
        }

        var runtime = Runtime!;
        if (keyChanges.Count > 0)
        {
            var keys = keyChanges.SelectMany(c => new[] { c.Old, c.New }).OfType<SubscriptionRecord>().SelectMany(KeyIndex.KeysOf).Distinct(StringComparer.Ordinal);
            runtime = runtime with { Keys = runtime.Keys.With(KeyIndex.Changes(keys, _holders, _subscriptions)) };
        }

        if (userChanges.Count > 0)
        {
            runtime = runtime with { UserStates = runtime.UserStates.With(userChanges) };
        }

        if (configChanged)
        {
            runtime = RuntimeBuilder.Build(service.Key, service.Name, _config.Values, runtime.Keys, runtime.UserStates, deployment, _policies);
        }

        Runtime = runtime;
        return true;
    }

    private static async Task<List<T>> ReadAllAsync<T>(IAsyncEnumerable<T> source)
    {
        // Off the caller's thread at once, so the reads overlap.
        await Task.Yield();
        var all = new List<T>();
        await foreach (var item in source)
        {
            all.Add(item);
        }

        return all;
    }

    /// <summary>Marks the cache for a full load (its runtime stays in service until the load succeeds).</summary>
    public void Invalidate() => NeedsLoad = true;

    /// <summary>A row in compact form; null (and counted as unreadable) when it cannot be parsed.</summary>
    private GatewayRecord? Parse(RawResource row)
    {
        try
        {
            _unreadable.Remove(row.Path);
            return GatewayRecord.From(row.Kind, row.RelativeId, row.Body);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException or IndexOutOfRangeException)
        {
            return Unreadable(row.Path, row.Kind == KindCatalog.Users ? GatewayRecord.User(NameOf(row.RelativeId), UnreadableState) : null);
        }
    }

    /// <summary>A top-level entity's name in its original case (<c>subscriptions/{name}</c>).</summary>
    private static string NameOf(string relativeId) => relativeId[(relativeId.IndexOf('/', StringComparison.Ordinal) + 1)..];

    /// <summary>
    /// Fail closed: a row that cannot be read is counted until it is rewritten and grants nothing; <paramref name="instead"/>
    /// is what stands in for it (an unreadable user, whose subscriptions are refused).
    /// </summary>
    private GatewayRecord? Unreadable(string path, GatewayRecord? instead = null)
    {
        _unreadable.Add(path);
        return instead;
    }

    private void Set(string path, GatewayRecord? record)
    {
        switch (record)
        {
            case null:
                break;
            case SubscriptionRecord s:
                _subscriptions[path] = s;
                foreach (var key in KeyIndex.KeysOf(s))
                {
                    _holders.Add(key, path);
                }

                break;
            case UserRecord u:
                _users[path] = u;
                break;
            default:
                _config[path] = record;
                break;
        }
    }

    private GatewayRecord? Remove(string path)
    {
        if (_subscriptions.Remove(path, out var s))
        {
            foreach (var key in KeyIndex.KeysOf(s))
            {
                _holders.Remove(key, path);
            }

            return s;
        }

        return _users.Remove(path, out var u) ? u : _config.Remove(path, out var c) ? c : null;
    }
}
