using OpenApim.Gateway.Runtime;

namespace OpenApim.Gateway.Configuration;

/// <summary>
/// A service's subscription keys and user states, built in full when a service loads and changed in place (a new
/// <see cref="LayeredMap{TValue}"/> sharing the untouched entries) when subscriptions or users change.
/// </summary>
internal static class KeyIndex
{
    public static LayeredMap<SubscriptionRuntime> Build(IEnumerable<SubscriptionRecord> subscriptions)
    {
        var keys = new Dictionary<string, SubscriptionRuntime>(StringComparer.Ordinal);
        var shared = new HashSet<string>(StringComparer.Ordinal);
        foreach (var s in subscriptions)
        {
            foreach (var key in KeysOf(s))
            {
                if (!keys.TryAdd(key, Runtime(s, key)))
                {
                    shared.Add(key);
                }
            }
        }

        // A key two subscriptions share (stored before keys had to be unique) belongs to neither: fail closed.
        foreach (var key in shared)
        {
            keys.Remove(key);
        }

        return LayeredMap<SubscriptionRuntime>.Over(keys);
    }

    /// <summary>
    /// The key changes that take <paramref name="keys"/> from the old to the new state of some subscriptions: the old keys
    /// go, the new ones come. A new key already held by another subscription is removed for both (fail closed, as in a
    /// full build) until a reload.
    /// </summary>
    public static IReadOnlyCollection<KeyValuePair<string, SubscriptionRuntime?>> Changes(
        LayeredMap<SubscriptionRuntime> keys, IReadOnlyCollection<(SubscriptionRecord? Old, SubscriptionRecord? New)> changes)
    {
        var result = new Dictionary<string, SubscriptionRuntime?>(StringComparer.Ordinal);
        SubscriptionRuntime? Current(string key) => result.TryGetValue(key, out var pending) ? pending : keys.GetValueOrDefault(key);
        foreach (var old in changes.Select(c => c.Old).OfType<SubscriptionRecord>())
        {
            foreach (var key in KeysOf(old).Where(k => Same(Current(k)?.Name, old.Name)))
            {
                result[key] = null;
            }
        }

        foreach (var now in changes.Select(c => c.New).OfType<SubscriptionRecord>())
        {
            foreach (var key in KeysOf(now))
            {
                result[key] = Current(key) is { } holder && !Same(holder.Name, now.Name) ? null : Runtime(now, key);
            }
        }

        return result;
    }

    /// <summary>The states of users that are not active (a user the map does not hold is active, or gone).</summary>
    public static LayeredMap<string> Users(IEnumerable<UserRecord> users)
    {
        var states = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var user in users.Where(u => u.State != "active"))
        {
            states.TryAdd(user.Name, user.State);
        }

        return LayeredMap<string>.Over(states);
    }

    private static bool Same(string? a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);

    private static IEnumerable<string> KeysOf(SubscriptionRecord s) =>
        new[] { s.PrimaryKey, s.SecondaryKey }.OfType<string>().Where(k => k.Length > 0).Distinct(StringComparer.Ordinal);

    private static SubscriptionRuntime Runtime(SubscriptionRecord s, string key)
    {
        var (kind, target) = Scope(s.Scope);
        return new SubscriptionRuntime(s.Name, s.State, kind, target, s.Owner, key, s.ExpiresAt);
    }

    /// <summary><c>/apis</c>, <c>/apis/{id}</c> or <c>/products/{id}</c> (stored relative).</summary>
    private static (string Kind, string? Target) Scope(string scope)
    {
        var parts = scope.Trim('/').Split('/');
        return parts switch
        {
            ["apis"] => ("all", null),
            ["apis", var api] => ("api", api),
            ["products", var product] => ("product", product),
            _ => ("none", null),
        };
    }
}
