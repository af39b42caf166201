namespace OpenApim.Resources.Queries;

/// <summary><c>left and right</c>.</summary>
public sealed record AndFilter(Filter Left, Filter Right) : Filter;
