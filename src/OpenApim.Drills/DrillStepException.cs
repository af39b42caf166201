
namespace OpenApim.Drills;

/// <summary>An ARM call of a drill step failed: the step, and with it the drill, fails with this code and message.</summary>
public sealed class DrillStepException(string code, string message) : Exception(message)
{
    public string Code { get; } = code;
}
