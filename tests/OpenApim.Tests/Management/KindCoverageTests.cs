using OpenApim.Resources.Kinds;

namespace OpenApim.Tests.Management;

/// <summary>A kind added to the catalogue without an entity case would escape the generic CRUD, hostile-name, fuzz and backup tests.</summary>
public sealed class KindCoverageTests
{
    /// <summary>Kinds whose entities exist in every service with fixed names: no create or delete to exercise, tested on their own.</summary>
    private static readonly Dictionary<string, string> CoveredElsewhere = new(StringComparer.Ordinal)
    {
        ["portalsettings"] = "EntityBehaviourTests.Templates_reset_on_delete_and_portal_settings_are_permanent (fixed names signin, signup, delegation)",
        ["templates"] = "EntityBehaviourTests.Templates_reset_on_delete_and_portal_settings_are_permanent (the fixed email templates)",
    };

    [Fact]
    public void Every_declared_kind_has_an_entity_case()
    {
        var cases = EntityCase.All.Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        var missing = KindCatalog.All.Select(k => k.Path).Where(p => !cases.Contains(p) && !CoveredElsewhere.ContainsKey(p)).ToList();
        Assert.True(missing.Count == 0, "kinds without an EntityCase: " + string.Join(", ", missing));

        var unknown = cases.Where(c => KindCatalog.Find(c) is null).ToList();
        Assert.True(unknown.Count == 0, "entity cases of no declared kind: " + string.Join(", ", unknown));
        Assert.All(CoveredElsewhere.Keys, k => Assert.NotNull(KindCatalog.Find(k)));
    }
}
