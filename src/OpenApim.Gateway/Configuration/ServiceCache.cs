using OpenApim.Gateway.Runtime;
using OpenApim.Resources.Arm;
using OpenApim.Resources.Hosting;
using OpenApim.Resources.Model;
using OpenApim.Resources.Store;

namespace OpenApim.Gateway.Configuration;

/// <summary>
/// One service's rows as compact records, refreshed by version. A refresh reads everything it needs first and
/// changes nothing until the read is complete, so a read that fails half-way leaves the cache as it was and the
/// next refresh reads the same rows again. A row that cannot be parsed is left out (its keys stop working) and
/// counted in <see cref="UnreadableRows"/> until a later write replaces it.
/// </summary>
internal sealed class ServiceCache
{
    private readonly Dictionary<string, (long Version, GatewayRecord Record)> _rows = new(StringComparer.Ordinal);
    private readonly HashSet<string> _unreadable = new(StringComparer.Ordinal);
    private long _maxVersion;
    private bool _dirty = true;

    /// <summary>The epoch of the last successful refresh (-1 before the first).</summary>
    public long Epoch { get; private set; } = -1;

    public ServiceRuntime? Runtime { get; private set; }

    public int UnreadableRows => _unreadable.Count;

    /// <summary>Brings the cache to <paramref name="epoch"/>; true when the runtime was rebuilt.</summary>
    public async Task<bool> RefreshAsync(IResourceStore store, ServiceRef service, long epoch, Deployment deployment, CancellationToken ct)
    {
        var versions = await store.ReadVersionsAsync(service, GatewayRecord.Kinds, ct);
        var changedRows = new List<VersionedResource>();
        await foreach (var row in store.ReadChangedAsync(service, GatewayRecord.Kinds, _maxVersion, ct))
        {
            changedRows.Add(row);
        }

        foreach (var path in _rows.Keys.Where(p => !versions.ContainsKey(p)).ToList())
        {
            _rows.Remove(path);
            _dirty = true;
        }

        _unreadable.RemoveWhere(p => !versions.ContainsKey(p));
        foreach (var (row, version) in changedRows)
        {
            _maxVersion = Math.Max(_maxVersion, version);
            _dirty = true;
            GatewayRecord? record;
            try
            {
                record = GatewayRecord.From(row.Kind, row.RelativeId, row.Body);
            }
            catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException or FormatException or IndexOutOfRangeException)
            {
                // Fail closed: what this row granted (a subscription's keys) is gone until the row is rewritten.
                _rows.Remove(row.Path);
                _unreadable.Add(row.Path);
                continue;
            }

            _unreadable.Remove(row.Path);
            if (record is null)
            {
                _rows.Remove(row.Path);
            }
            else
            {
                _rows[row.Path] = (version, record);
            }
        }

        var rebuilt = false;
        if (!_rows.ContainsKey(""))
        {
            // The service itself is gone (or not created yet).
            rebuilt = Runtime is not null;
            Runtime = null;
        }
        else if (_dirty || Runtime is null)
        {
            Runtime = RuntimeBuilder.Build(service.Key, service.Name, _rows.Values.Select(v => v.Record), deployment);
            rebuilt = true;
        }

        _dirty = false;
        Epoch = epoch;
        return rebuilt;
    }
}
