
namespace OpenApim.OperatorConsole.Posture;

public sealed record ScheduleState(string Name, DateTimeOffset? NextRunAt, string? LastResult);
