using System.Text.Json.Nodes;

namespace OpenApim.Resources.Kinds.Schema;

/// <summary>Visits every secret value of a <c>properties</c> object, as the kind declares them.</summary>
public static class Secrets
{
    /// <summary>Replaces each secret value present with <paramref name="transform"/>(path, value).</summary>
    public static void Transform(JsonObject obj, IReadOnlyList<Prop> props, string path, Func<string, JsonNode, JsonNode> transform)
    {
        foreach (var prop in props)
        {
            if (obj[prop.Name] is not { } value)
            {
                continue;
            }

            var at = $"{path}.{prop.Name}";
            if (prop.IsSecretIn(obj))
            {
                obj[prop.Name] = transform(at, value);
            }
            else if (prop.Properties is not null && value is JsonObject child)
            {
                Transform(child, prop.Properties, at, transform);
            }
            else if (prop.Items?.Properties is not null && value is JsonArray array)
            {
                for (var i = 0; i < array.Count; i++)
                {
                    if (array[i] is JsonObject item)
                    {
                        Transform(item, prop.Items.Properties, $"{at}[{i}]", transform);
                    }
                }
            }
        }
    }

    /// <summary>
    /// Copies every secret value <paramref name="source"/> has into <paramref name="target"/> where the target has none (a row
    /// as the journal keeps it, completed with the secrets of a row image): values the kind declares secret only.
    /// </summary>
    public static void Fill(JsonObject target, JsonObject source, IReadOnlyList<Prop> props)
    {
        foreach (var prop in props)
        {
            if (source[prop.Name] is not { } value)
            {
                continue;
            }

            if (prop.IsSecretIn(source) || prop.IsSecretIn(target))
            {
                if (target[prop.Name] is null)
                {
                    target[prop.Name] = value.DeepClone();
                }
            }
            else if (prop.Properties is not null && value is JsonObject child && target[prop.Name] is JsonObject targetChild)
            {
                Fill(targetChild, child, prop.Properties);
            }
            else if (prop.Items?.Properties is not null && value is JsonArray array && target[prop.Name] is JsonArray targetArray)
            {
                for (var i = 0; i < Math.Min(array.Count, targetArray.Count); i++)
                {
                    if (array[i] is JsonObject item && targetArray[i] is JsonObject targetItem)
                    {
                        Fill(targetItem, item, prop.Items.Properties);
                    }
                }
            }
        }
    }

    /// <summary>True when the kind declares any secret property (so rows of it need a look).</summary>
    public static bool Any(IReadOnlyList<Prop> props) =>
        props.Any(p => p.Secret || p.SecretWhen is not null || (p.Properties is not null && Any(p.Properties)) || (p.Items?.Properties is not null && Any(p.Items.Properties)));
}
