namespace OpenApim.Resources.Arm;

/// <summary>Azure locations as ARM compares them: <c>West Europe</c> and <c>westeurope</c> are one location.</summary>
public static class ArmLocation
{
    /// <summary>The programmatic name: <c>West Europe</c> → <c>westeurope</c>.</summary>
    public static string Name(string location) => location.Replace(" ", "", StringComparison.Ordinal).ToLowerInvariant();

    public static bool Same(string? a, string? b) => a is null || b is null ? a == b : Name(a) == Name(b);
}
