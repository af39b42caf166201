namespace OpenApim.Resources.Queries;

/// <summary><c>left and right</c>.</summary>
internal sealed record AndFilter(Filter Left, Filter Right) : Filter;
