using System.Text.RegularExpressions;

namespace OpenApim.Resources.Kinds;

/// <summary>How entity names (the last path segment) are validated.</summary>
public sealed partial record NameRule(int MaxLength, Regex? Pattern, string Description, IReadOnlyList<string>? Fixed = null)
{
    /// <summary>The spec's common entity id rule: up to 256 characters, none of <c>*#&amp;+:&lt;&gt;?</c>.</summary>
    public static readonly NameRule Default = new(256, DefaultPattern(), "up to 256 characters, none of '*#&+:<>?'");

    public static NameRule Max(int maxLength) => Default with { MaxLength = maxLength, Description = $"up to {maxLength} characters, none of '*#&+:<>?'" };

    /// <summary>Only the listed names exist (e.g. <c>policy</c>, the portal settings names).</summary>
    public static NameRule OneOf(params string[] names) => new(256, null, "one of: " + string.Join(", ", names), names);

    /// <summary>Returns a problem description, or null when the name is valid; <paramref name="canonical"/> gets the declared casing of a fixed name.</summary>
    public string? Check(string name, out string canonical)
    {
        canonical = name;
        if (Fixed is not null)
        {
            var match = Fixed.FirstOrDefault(f => f.Equals(name, StringComparison.OrdinalIgnoreCase));
            if (match is null)
            {
                return $"The name '{name}' is not valid here; it must be {Description}.";
            }

            canonical = match;
            return null;
        }

        if (name.Length == 0 || name.Length > MaxLength || (Pattern is not null && !Pattern.IsMatch(name)))
        {
            return $"The name '{(name.Length > 80 ? name[..80] + "..." : name)}' is not valid: it must be {Description}.";
        }

        return null;
    }

    [GeneratedRegex("^[^*#&+:<>?]+$")]
    private static partial Regex DefaultPattern();
}
