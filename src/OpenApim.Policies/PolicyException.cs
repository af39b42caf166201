namespace OpenApim.Policies;

/// <summary>A policy document that cannot be saved or run, with a message that names the element and line.</summary>
public sealed class PolicyException(string message) : Exception(message);
