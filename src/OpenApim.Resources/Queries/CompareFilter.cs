namespace OpenApim.Resources.Queries;

/// <summary><c>field eq|ne|gt|ge|lt|le literal</c>; the literal is a string, a number, a boolean or null.</summary>
public sealed record CompareFilter(string Field, string Op, object? Value) : Filter;
