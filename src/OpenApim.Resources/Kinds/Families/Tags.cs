namespace OpenApim.Resources.Kinds.Families;

/// <summary>Tag associations (<c>apis/{id}/tags/{tagId}</c>, ...): links to service-level tags.</summary>
internal static class Tags
{
    public static ResourceKind LinkAt(string path) => new()
    {
        Path = path,
        LinkTarget = "tags",
        IfMatchRequired = false,
        Patchable = false,
        Names = NameRule.Max(80),
    };
}
