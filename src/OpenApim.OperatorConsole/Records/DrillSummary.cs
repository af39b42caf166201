
namespace OpenApim.OperatorConsole.Records;

/// <summary>What the drill list and the overview show of one drill; the full report is kept beside it.</summary>
public sealed record DrillSummary(string Id, string PrimaryId, string StandbyId, DateTimeOffset StartedAt, string State, bool? Passed, double? RecoveryPointSeconds, double? RecoveryTimeSeconds, int Differences, string By);
