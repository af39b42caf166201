namespace OpenApim.OperatorConsole.Drills;

/// <summary>A drill was not started: another runs on the same service, or the server runs as many as it will.</summary>
public sealed class DrillConflictException(string message) : Exception(message);
