
namespace OpenApim.OperatorConsole.Records;

/// <summary>A verification of a backup (the catalog's verify, or the comparison of a drill that restored it).</summary>
public sealed record Verification(string ServiceId, string BackupName, bool Passed, DateTimeOffset At, string By, string? Detail);
