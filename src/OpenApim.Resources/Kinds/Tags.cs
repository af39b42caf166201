using OpenApim.Resources.Model;
namespace OpenApim.Resources.Kinds;

/// <summary>Tag associations (<c>apis/{id}/tags/{tagId}</c>, ...): links to service-level tags.</summary>
internal static class Tags
{
    public static ResourceKind LinkAt(string path) => new()
    {
        Path = path,
        LinkTarget = ConfigurationKinds.Tags,
        IfMatchRequired = false,
        Patchable = false,
        Names = NameRule.Max(80),
    };
}
