using OpenApim.Resources.Model;

namespace OpenApim.Resources.Kinds;

/// <summary>A kind's POST actions, by name (case-insensitive, as ARM matches path segments).</summary>
internal static class KindActions
{
    public static IReadOnlyDictionary<string, KindAction> Of(params KindAction[] actions) =>
        actions.ToDictionary(a => a.Name, StringComparer.OrdinalIgnoreCase);
}
