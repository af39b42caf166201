namespace OpenApim.Resources.Queries;

/// <summary><c>left or right</c>.</summary>
internal sealed record OrFilter(Filter Left, Filter Right) : Filter;
