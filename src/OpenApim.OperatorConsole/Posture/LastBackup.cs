
namespace OpenApim.OperatorConsole.Posture;

/// <summary>The service's newest backup operation and, when known, whether that backup has since verified (a verify or a drill).</summary>
public sealed record LastBackup(string? Name, DateTimeOffset? At, string Status, string? Error);
