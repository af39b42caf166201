using OpenApim.Gateway.Runtime;

namespace OpenApim.Gateway.Configuration;

/// <summary>
/// A service's subscription keys and user states, built in full when a service loads and changed in place (a new
/// <see cref="LayeredMap{TValue}"/> sharing the untouched entries) when subscriptions or users change; which subscription
/// a key belongs to is <see cref="KeyHolders"/>'s call in both cases, so both give the same answer.
/// </summary>
internal static class KeyIndex
{
    /// <summary>Every key that exactly one subscription holds (<paramref name="holders"/> knows which).</summary>
    public static LayeredMap<SubscriptionRuntime> Build(IReadOnlyDictionary<string, SubscriptionRecord> subscriptions, KeyHolders holders)
    {
        var keys = new Dictionary<string, SubscriptionRuntime>(subscriptions.Count * 2, StringComparer.Ordinal);
        foreach (var (path, s) in subscriptions)
        {
            var scope = Scope(s.Scope);
            foreach (var key in KeysOf(s))
            {
                if (holders.Single(key) == path)
                {
                    keys[key] = Runtime(s, key, scope);
                }
            }
        }

        return LayeredMap<SubscriptionRuntime>.Over(keys);
    }

    /// <summary>
    /// The entries of <paramref name="keys"/> (old and new keys of changed subscriptions) as <paramref name="holders"/> now
    /// has them: the key of its one holder, or nothing (no holder, or shared: fail closed).
    /// </summary>
    public static IReadOnlyCollection<KeyValuePair<string, SubscriptionRuntime?>> Changes(
        IEnumerable<string> keys, KeyHolders holders, IReadOnlyDictionary<string, SubscriptionRecord> subscriptions)
    {
        var result = new Dictionary<string, SubscriptionRuntime?>(StringComparer.Ordinal);
        foreach (var key in keys)
        {
            result[key] = holders.Single(key) is { } path && subscriptions.TryGetValue(path, out var s) ? Runtime(s, key, Scope(s.Scope)) : null;
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

    /// <summary>A subscription's non-empty keys, each once (called for every subscription of a service on a load).</summary>
    public static IEnumerable<string> KeysOf(SubscriptionRecord s)
    {
        if (s.PrimaryKey is { Length: > 0 } primary)
        {
            yield return primary;
        }

        if (s.SecondaryKey is { Length: > 0 } secondary && secondary != s.PrimaryKey)
        {
            yield return secondary;
        }
    }

    private static SubscriptionRuntime Runtime(SubscriptionRecord s, string key, (string Kind, string? Target) scope) =>
        new(s.Name, s.State, scope.Kind, scope.Target, s.Owner, key, s.ExpiresAt);

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
