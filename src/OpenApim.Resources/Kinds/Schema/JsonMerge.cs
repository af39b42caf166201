using System.Text.Json.Nodes;
using OpenApim.Resources.Arm;

namespace OpenApim.Resources.Kinds.Schema;

/// <summary>JSON merge patch (RFC 7396), the semantics of ARM PATCH on <c>properties</c>.</summary>
public static class JsonMerge
{
    public static void Apply(JsonObject target, JsonObject patch)
    {
        foreach (var (name, value) in patch)
        {
            var existingKey = target.KeyOf(name) ?? name;
            if (value is null)
            {
                target.Remove(existingKey);
            }
            else if (value is JsonObject patchObj && target[existingKey] is JsonObject targetObj)
            {
                Apply(targetObj, patchObj);
            }
            else
            {
                target.Remove(existingKey);
                target[name] = value.DeepClone();
            }
        }
    }
}
