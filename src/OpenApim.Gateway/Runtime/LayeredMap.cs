namespace OpenApim.Gateway.Runtime;

/// <summary>
/// An immutable map for a large, slowly changing set (a service's 400,000 subscription keys): a base dictionary that is
/// never written after it is built, under a small overlay of the changes since (null marks a removal). A change copies
/// only the overlay; once the overlay grows past a fraction of the base the two are merged into a new base. Readers of
/// one instance never see a later change.
/// </summary>
internal sealed class LayeredMap<TValue>
    where TValue : class
{
    private const int MinimumOverlay = 1024;

    private readonly Dictionary<string, TValue> _base;
    private readonly Dictionary<string, TValue?> _overlay;

    private LayeredMap(Dictionary<string, TValue> @base, Dictionary<string, TValue?> overlay, int count)
    {
        _base = @base;
        _overlay = overlay;
        Count = count;
    }

    public static LayeredMap<TValue> Empty(IEqualityComparer<string> comparer) => new(new Dictionary<string, TValue>(comparer), new Dictionary<string, TValue?>(comparer), 0);

    /// <summary>A map over <paramref name="entries"/>, which the map takes over and nobody may change afterwards.</summary>
    public static LayeredMap<TValue> Over(Dictionary<string, TValue> entries) => new(entries, new Dictionary<string, TValue?>(entries.Comparer), entries.Count);

    public int Count { get; }

    /// <summary>Entries in the overlay, not yet merged into the base.</summary>
    public int Pending => _overlay.Count;

    public bool TryGetValue(string key, out TValue value)
    {
        // The overlay is empty right after a load or a merge: skip hashing the key twice then.
        if (_overlay.Count > 0 && _overlay.TryGetValue(key, out var changed))
        {
            value = changed!;
            return changed is not null;
        }

        return _base.TryGetValue(key, out value!);
    }

    public TValue? GetValueOrDefault(string key) => TryGetValue(key, out var value) ? value : null;

    /// <summary>This map with <paramref name="changes"/> applied (null removes a key); this instance is unchanged.</summary>
    public LayeredMap<TValue> With(IReadOnlyCollection<KeyValuePair<string, TValue?>> changes)
    {
        if (changes.Count == 0)
        {
            return this;
        }

        var overlay = new Dictionary<string, TValue?>(_overlay, _overlay.Comparer);
        var count = Count;
        foreach (var (key, value) in changes)
        {
            var existed = overlay.TryGetValue(key, out var current) ? current is not null : _base.ContainsKey(key);
            count += (existed, value is not null) switch { (false, true) => 1, (true, false) => -1, _ => 0 };
            if (value is null && !_base.ContainsKey(key))
            {
                overlay.Remove(key);
            }
            else
            {
                overlay[key] = value;
            }
        }

        return overlay.Count > Math.Max(MinimumOverlay, _base.Count / 16) ? Merge(overlay, count) : new LayeredMap<TValue>(_base, overlay, count);
    }

    private LayeredMap<TValue> Merge(Dictionary<string, TValue?> overlay, int count)
    {
        var merged = new Dictionary<string, TValue>(count, _base.Comparer);
        foreach (var (key, value) in _base)
        {
            if (!overlay.ContainsKey(key))
            {
                merged[key] = value;
            }
        }

        foreach (var (key, value) in overlay)
        {
            if (value is not null)
            {
                merged[key] = value;
            }
        }

        return Over(merged);
    }
}
