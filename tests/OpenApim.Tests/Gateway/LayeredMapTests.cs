using OpenApim.Gateway.Runtime;

namespace OpenApim.Tests.Gateway;

/// <summary>The gateway's key index: changes make new maps and leave the old ones (which requests in flight read) as they were.</summary>
public sealed class LayeredMapTests
{
    private static LayeredMap<string> Map(int count) =>
        LayeredMap<string>.Over(Enumerable.Range(0, count).ToDictionary(i => $"k{i}", i => $"v{i}", StringComparer.Ordinal));

    private static KeyValuePair<string, string?> Set(string key, string? value) => new(key, value);

    [Fact]
    public void A_change_makes_a_new_map_and_leaves_the_old_one_unchanged()
    {
        var before = Map(10);
        var after = before.With([Set("k1", null), Set("k2", "changed"), Set("new", "n"), Set("never-there", null)]);

        Assert.Equal(10, before.Count);
        Assert.Equal("v1", before.GetValueOrDefault("k1"));
        Assert.Equal("v2", before.GetValueOrDefault("k2"));
        Assert.Null(before.GetValueOrDefault("new"));

        Assert.Equal(10, after.Count);
        Assert.False(after.TryGetValue("k1", out _));
        Assert.Equal("changed", after.GetValueOrDefault("k2"));
        Assert.Equal("n", after.GetValueOrDefault("new"));
        Assert.Null(after.GetValueOrDefault("never-there"));
        Assert.Equal("v3", after.GetValueOrDefault("k3"));
    }

    [Fact]
    public void Removing_and_adding_back_across_changes_keeps_the_count_right()
    {
        var map = Map(5).With([Set("k0", null)]).With([Set("k0", "again")]).With([Set("x", "1")]).With([Set("x", null)]).With([Set("x", null)]);
        Assert.Equal(5, map.Count);
        Assert.Equal("again", map.GetValueOrDefault("k0"));
        Assert.Null(map.GetValueOrDefault("x"));
    }

    [Fact]
    public void A_large_overlay_is_merged_into_a_new_base_with_the_same_contents()
    {
        var map = Map(100);
        var changes = Enumerable.Range(0, 1500).Select(i => Set($"n{i}", $"w{i}")).Append(Set("k5", null)).ToList();
        var merged = map.With(changes);

        Assert.Equal(0, merged.Pending);
        Assert.Equal(1599, merged.Count);
        Assert.Equal("w1499", merged.GetValueOrDefault("n1499"));
        Assert.Null(merged.GetValueOrDefault("k5"));
        Assert.Equal("v99", merged.GetValueOrDefault("k99"));
        Assert.Equal(100, map.Count);
    }

    [Fact]
    public void Keys_are_compared_with_the_base_comparer()
    {
        var users = LayeredMap<string>.Over(new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["Alice"] = "active" });
        var changed = users.With([Set("ALICE", "blocked")]);
        Assert.Equal("blocked", changed.GetValueOrDefault("alice"));
        Assert.Equal(1, changed.Count);
    }
}
