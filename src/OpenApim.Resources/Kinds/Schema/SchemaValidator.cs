using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using OpenApim.Resources.Arm;

namespace OpenApim.Resources.Kinds.Schema;

/// <summary>
/// Checks a <c>properties</c> object against its declared <see cref="Prop"/>s and normalises it in
/// place: read-only values are dropped, enum values take their declared casing, defaults fill gaps.
/// Every problem is collected so a caller sees all of them in one <c>ValidationError</c>.
/// Unknown properties are kept as sent (newer api-versions add fields we do not model).
/// </summary>
public static class SchemaValidator
{
    public static List<ArmErrorDetail> Normalize(JsonObject target, IReadOnlyList<Prop> props, string path)
    {
        var problems = new List<ArmErrorDetail>();
        NormalizeObject(target, props, path, problems);
        return problems;
    }

    private static void NormalizeObject(JsonObject obj, IReadOnlyList<Prop> props, string path, List<ArmErrorDetail> problems)
    {
        foreach (var prop in props)
        {
            var key = obj.KeyOf(prop.Name);
            if (key is not null && key != prop.Name)
            {
                // JSON property names are matched case-insensitively, as ARM does; store the declared casing.
                var moved = obj[key];
                obj.Remove(key);
                obj[prop.Name] = moved;
            }

            var value = obj[prop.Name];
            if (prop.ReadOnly)
            {
                obj.Remove(prop.Name);
                continue;
            }

            if (value is null || value.GetValueKind() == JsonValueKind.Null)
            {
                obj.Remove(prop.Name);
                if (prop.Default is not null)
                {
                    obj[prop.Name] = prop.Default.DeepClone();
                }
                else if (prop.Required)
                {
                    problems.Add(new("ValidationError", $"'{prop.Name}' is required.", At(path, prop)));
                }

                continue;
            }

            var replacement = CheckValue(value, prop, path, problems);
            if (replacement is not null)
            {
                obj[prop.Name] = replacement;
            }
        }
    }

    /// <summary>
    /// Validates one value (at <paramref name="parent"/>.<c>prop.Name</c>, spelled out only for a problem); returns a
    /// normalised replacement node when the value must change.
    /// </summary>
    private static JsonNode? CheckValue(JsonNode value, Prop prop, string parent, List<ArmErrorDetail> problems)
    {
        var kind = value.GetValueKind();
        switch (prop.Type)
        {
            case PropType.Any:
                return null;
            case PropType.String:
            case PropType.DateTime:
                if (kind != JsonValueKind.String)
                {
                    problems.Add(TypeProblem(prop, parent, "a string"));
                    return null;
                }

                return CheckString(value.GetValue<string>(), prop, parent, problems);
            case PropType.Boolean:
                if (kind is JsonValueKind.True or JsonValueKind.False)
                {
                    return null;
                }

                // ARM tolerates "true"/"false" strings from templates; store real booleans.
                if (kind == JsonValueKind.String && bool.TryParse(value.GetValue<string>(), out var b))
                {
                    return JsonValue.Create(b);
                }

                problems.Add(TypeProblem(prop, parent, "a boolean"));
                return null;
            case PropType.Integer:
            case PropType.Number:
                return CheckNumber(value, kind, prop, parent, problems);
            case PropType.Object:
                if (value is not JsonObject o)
                {
                    problems.Add(TypeProblem(prop, parent, "an object"));
                    return null;
                }

                if (prop.Properties is not null)
                {
                    NormalizeObject(o, prop.Properties, At(parent, prop), problems);
                }

                return null;
            case PropType.Array:
                if (value is not JsonArray arr)
                {
                    problems.Add(TypeProblem(prop, parent, "an array"));
                    return null;
                }

                if (prop.MaxItems is { } maxItems && arr.Count > maxItems)
                {
                    problems.Add(new("ValidationError", $"'{prop.Name}' may contain at most {maxItems} items.", At(parent, prop)));
                }

                if (prop.Items is not null)
                {
                    for (var i = 0; i < arr.Count; i++)
                    {
                        var item = arr[i];
                        if (item is null)
                        {
                            problems.Add(new("ValidationError", $"'{prop.Name}' must not contain null items.", $"{At(parent, prop)}[{i}]"));
                            continue;
                        }

                        var replaced = CheckValue(item, prop.Items with { Name = $"{prop.Name}[{i}]" }, parent, problems);
                        if (replaced is not null)
                        {
                            arr[i] = replaced;
                        }
                    }
                }

                return null;
            default:
                return null;
        }
    }

    private static JsonValue? CheckString(string s, Prop prop, string parent, List<ArmErrorDetail> problems)
    {
        if (prop.Enum is not null)
        {
            var match = prop.Enum.FirstOrDefault(e => string.Equals(e, s, StringComparison.OrdinalIgnoreCase));
            if (match is null)
            {
                problems.Add(new("ValidationError", $"'{prop.Name}' value '{Shorten(s)}' is not one of: {string.Join(", ", prop.Enum)}.", At(parent, prop)));
                return null;
            }

            return match == s ? null : JsonValue.Create(match);
        }

        if (prop.MinLength is { } min && s.Length < min)
        {
            problems.Add(new("ValidationError", min == 1 ? $"'{prop.Name}' must not be empty." : $"'{prop.Name}' must be at least {min} characters long.", At(parent, prop)));
        }

        if (prop.MaxLength is { } max && s.Length > max)
        {
            problems.Add(new("ValidationError", $"'{prop.Name}' must be at most {max} characters long (got {s.Length}).", At(parent, prop)));
        }

        if (prop.Pattern is not null && !prop.Pattern.IsMatch(s))
        {
            problems.Add(new("ValidationError", $"'{prop.Name}' value '{Shorten(s)}' does not match the pattern {prop.PatternText}.", At(parent, prop)));
        }

        if (prop.Type == PropType.DateTime)
        {
            if (!DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var dt))
            {
                problems.Add(new("ValidationError", $"'{prop.Name}' value '{Shorten(s)}' is not an ISO 8601 date-time.", At(parent, prop)));
                return null;
            }

            var normal = dt.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);
            return normal == s ? null : JsonValue.Create(normal);
        }

        return null;
    }

    private static JsonNode? CheckNumber(JsonNode value, JsonValueKind kind, Prop prop, string parent, List<ArmErrorDetail> problems)
    {
        if (kind != JsonValueKind.Number)
        {
            problems.Add(TypeProblem(prop, parent, prop.Type == PropType.Integer ? "an integer" : "a number"));
            return null;
        }

        var d = double.Parse(value.ToJsonString(), CultureInfo.InvariantCulture);
        if (prop.Type == PropType.Integer && Math.Abs(d % 1) > double.Epsilon)
        {
            problems.Add(TypeProblem(prop, parent, "an integer"));
            return null;
        }

        if ((prop.Minimum is { } min && d < min) || (prop.Maximum is { } max && d > max))
        {
            problems.Add(new("ValidationError", $"'{prop.Name}' must be between {prop.Minimum} and {prop.Maximum}.", At(parent, prop)));
        }

        return null;
    }

    private static ArmErrorDetail TypeProblem(Prop prop, string parent, string expected) =>
        new("ValidationError", $"'{prop.Name}' must be {expected}.", At(parent, prop));

    private static string At(string parent, Prop prop) => parent.Length == 0 ? prop.Name : $"{parent}.{prop.Name}";

    private static string Shorten(string s) => s.Length > 80 ? s[..80] + "..." : s;

    /// <summary>Removes secret properties (recursively) from a copy meant for a response.</summary>
    public static void RemoveSecrets(JsonObject obj, IReadOnlyList<Prop> props)
    {
        foreach (var prop in props)
        {
            if (prop.IsSecretIn(obj))
            {
                obj.Remove(prop.Name);
                continue;
            }

            if (prop.Properties is not null && obj[prop.Name] is JsonObject child)
            {
                RemoveSecrets(child, prop.Properties);
            }
            else if (prop.Items?.Properties is not null && obj[prop.Name] is JsonArray arr)
            {
                foreach (var item in arr.OfType<JsonObject>())
                {
                    RemoveSecrets(item, prop.Items.Properties);
                }
            }
        }
    }
}
