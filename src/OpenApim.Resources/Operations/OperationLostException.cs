namespace OpenApim.Resources.Operations;

/// <summary>The node lost an operation's lease to another node, which now runs it: stop without recording anything.</summary>
internal sealed class OperationLostException(string message) : OperationCanceledException(message);
