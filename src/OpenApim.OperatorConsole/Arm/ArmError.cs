
namespace OpenApim.OperatorConsole.Arm;

/// <summary>An ARM error as the management API answered it.</summary>
public sealed record ArmError(string Code, string Message)
{
    public override string ToString() => $"{Code}: {Message}";
}
