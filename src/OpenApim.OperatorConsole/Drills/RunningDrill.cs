using System.Text.Json.Nodes;
using OpenApim.Drills;
using OpenApim.OperatorConsole.Arm;

namespace OpenApim.OperatorConsole.Drills;

/// <summary>A drill started from the console, while it runs: its timeline (what the live page shows) and, at the end, its result.</summary>
public sealed class RunningDrill(string id, ServiceAddress primary, ServiceAddress standby, DrillTimeline timeline, string by)
{
    public string Id { get; } = id;

    public ServiceAddress Primary { get; } = primary;

    public ServiceAddress Standby { get; } = standby;

    public DrillTimeline Timeline { get; } = timeline;

    public string By { get; } = by;

    public JsonObject? Result { get; internal set; }
}
