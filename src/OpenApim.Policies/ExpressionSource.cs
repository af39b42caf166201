namespace OpenApim.Policies;

/// <summary>What a recognised expression reads: a request value, optionally named (a header), with a default.</summary>
public sealed record ExpressionSource(string Source, string? Name, string Default);
