
namespace OpenApim.OperatorConsole.Posture;

public sealed record ReplicationState(string Name, string Mode, string? State, double? LagSeconds);
