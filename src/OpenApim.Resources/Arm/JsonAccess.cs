using System.Text.Json.Nodes;

namespace OpenApim.Resources.Arm;

/// <summary>
/// Reading values out of client JSON without trusting their types: a number where a string belongs is
/// null here (the schema reports it), never an exception.
/// </summary>
public static class JsonAccess
{
    /// <summary>The string, when the node is a JSON string.</summary>
    public static string? Text(this JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    /// <summary>The boolean, when the node is a JSON boolean.</summary>
    public static bool? Flag(this JsonNode? node) => node is JsonValue v && v.TryGetValue<bool>(out var b) ? b : null;

    /// <summary>The property's name as the object spells it, matched case-insensitively as ARM does (exact casing first).</summary>
    public static string? KeyOf(this JsonObject obj, string name)
    {
        if (obj.ContainsKey(name))
        {
            return name;
        }

        foreach (var (key, _) in obj)
        {
            if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase))
            {
                return key;
            }
        }

        return null;
    }

    /// <summary>The property's value, matched case-insensitively.</summary>
    public static JsonNode? Property(this JsonObject obj, string name) => obj.KeyOf(name) is { } key ? obj[key] : null;
}
