namespace OpenApim.Resources.Queries;

/// <summary><c>contains|startswith|endswith(field, 'text')</c> (and <c>substringof</c>, read as contains).</summary>
internal sealed record FunctionFilter(string Function, string Field, string Value) : Filter;
