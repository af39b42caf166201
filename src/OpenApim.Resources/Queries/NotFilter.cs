namespace OpenApim.Resources.Queries;

/// <summary><c>not inner</c>.</summary>
public sealed record NotFilter(Filter Inner) : Filter;
