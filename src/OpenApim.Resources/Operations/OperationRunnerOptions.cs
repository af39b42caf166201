namespace OpenApim.Resources.Operations;

/// <summary>How operations are leased.</summary>
/// <param name="Lease">How long a node owns a running operation without renewing it.</param>
/// <param name="SingleNode">
/// The store serves one node (SQLite): whatever is running at start belonged to a process that is gone and
/// is ended (or resumed) at once, and there is no other node to sweep for. (A long SQLite write holds the
/// database lock and delays lease renewals; sweeping would then mistake a live operation for a dead one.)
/// </param>
public sealed record OperationRunnerOptions(TimeSpan Lease, bool SingleNode);
