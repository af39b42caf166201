namespace OpenApim.Gateway.Configuration;

/// <summary>
/// Which subscriptions (by row path) hold each key. A key held by two (stored before keys had to be unique, or written
/// by two nodes at once) belongs to neither until one lets it go; then it is the other's again, as a full load would decide.
/// </summary>
internal sealed class KeyHolders
{
    // One path, or a set of paths while the key is shared (rare).
    private readonly Dictionary<string, object> _holders = new(StringComparer.Ordinal);

    /// <summary>Forgets every key, with room for <paramref name="capacity"/> (a full load's count) so the map is not regrown.</summary>
    public void Clear(int capacity)
    {
        _holders.Clear();
        _holders.EnsureCapacity(capacity);
    }

    public void Add(string key, string path)
    {
        if (!_holders.TryGetValue(key, out var held))
        {
            _holders[key] = path;
        }
        else if (held is HashSet<string> several)
        {
            several.Add(path);
        }
        else if ((string)held != path)
        {
            _holders[key] = new HashSet<string>(StringComparer.Ordinal) { (string)held, path };
        }
    }

    public void Remove(string key, string path)
    {
        if (!_holders.TryGetValue(key, out var held))
        {
            return;
        }

        if (held is HashSet<string> several)
        {
            several.Remove(path);
            if (several.Count == 1)
            {
                _holders[key] = several.First();
            }
        }
        else if ((string)held == path)
        {
            _holders.Remove(key);
        }
    }

    /// <summary>The one subscription holding <paramref name="key"/>; null when none or several do.</summary>
    public string? Single(string key) => _holders.GetValueOrDefault(key) as string;
}
