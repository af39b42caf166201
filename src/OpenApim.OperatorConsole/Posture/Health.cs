
namespace OpenApim.OperatorConsole.Posture;

/// <summary>A service's recovery point against its target: green within it, amber up to twice it, red beyond or never.</summary>
public enum Health
{
    Green,
    Amber,
    Red,
}
