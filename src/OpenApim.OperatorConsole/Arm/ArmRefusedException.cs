
namespace OpenApim.OperatorConsole.Arm;

/// <summary>Thrown when a page needs an answer the management API refused; the page shows it.</summary>
public sealed class ArmRefusedException(ArmError error) : Exception(error.ToString())
{
    public ArmError Error { get; } = error;
}
