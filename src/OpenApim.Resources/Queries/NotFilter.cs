namespace OpenApim.Resources.Queries;

/// <summary><c>not inner</c>.</summary>
internal sealed record NotFilter(Filter Inner) : Filter;
