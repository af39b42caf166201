namespace OpenApim.Resources.Model;

/// <summary>A page of a list: the items and the total number matching the filter.</summary>
public sealed record ResourcePage(IReadOnlyList<StoredResource> Items, long Total);
