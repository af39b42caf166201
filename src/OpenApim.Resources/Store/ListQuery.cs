namespace OpenApim.Resources.Store;

/// <summary>
/// A list request: the children of <see cref="ParentKey"/> of one kind (or, for services, every
/// service whose key starts with <see cref="KeyPrefix"/>), filtered and paged. Results are ordered by key.
/// </summary>
public sealed record ListQuery(string Kind, string? ParentKey = null, string? KeyPrefix = null, Filter? Filter = null, int Top = 100, int Skip = 0, string? ServiceKey = null);
