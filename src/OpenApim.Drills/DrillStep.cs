
namespace OpenApim.Drills;

/// <summary>One step of a drill: when it started (seconds from the drill's start), how long it took, and how it ended.</summary>
public sealed record DrillStep(string Name, double StartSeconds, double? Seconds, string State);
