
namespace OpenApim.Resources.Hosting;

/// <summary>A subscription of this deployment as ARM lists it: its id and display name.</summary>
public sealed record ArmSubscription(string SubscriptionId, string DisplayName)
{
    /// <summary>The subscription a new deployment has, documented in the README.</summary>
    public static ArmSubscription Default { get; } = new("00000000-0000-0000-0000-000000000001", "OpenApim");

    /// <summary>Parses <c>id=Display name;id2=Other name</c> (a bare id is named after itself).</summary>
    public static IReadOnlyList<ArmSubscription> ParseList(string text)
    {
        var list = new List<ArmSubscription>();
        foreach (var entry in text.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = entry.IndexOf('=', StringComparison.Ordinal);
            var id = (eq < 0 ? entry : entry[..eq]).Trim().ToLowerInvariant();
            var name = eq < 0 ? id : entry[(eq + 1)..].Trim();
            if (!Guid.TryParseExact(id, "D", out _) || name.Length is 0 or > 64 || name.Any(char.IsControl))
            {
                throw new FormatException($"OPENAPIM_SUBSCRIPTIONS entry '{entry}' must be id=Display name, with a GUID id and a name of 1-64 printable characters.");
            }

            if (list.Any(s => s.SubscriptionId == id))
            {
                throw new FormatException($"OPENAPIM_SUBSCRIPTIONS lists the subscription '{id}' twice.");
            }

            list.Add(new ArmSubscription(id, name));
        }

        return list.Count > 0 ? list : throw new FormatException("OPENAPIM_SUBSCRIPTIONS lists no subscription.");
    }

    public string Id => $"/subscriptions/{SubscriptionId}";
}
