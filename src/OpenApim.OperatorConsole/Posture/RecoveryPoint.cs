
namespace OpenApim.OperatorConsole.Posture;

/// <summary>The moment a service can be recovered to, and what provides it (a backup or a replication's shipped journal).</summary>
public sealed record RecoveryPoint(DateTimeOffset At, string Source);
