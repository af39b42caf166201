namespace OpenApim.Resources.Queries;

/// <summary><c>left or right</c>.</summary>
public sealed record OrFilter(Filter Left, Filter Right) : Filter;
