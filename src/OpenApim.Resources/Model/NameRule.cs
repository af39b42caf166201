using System.Text.RegularExpressions;

namespace OpenApim.Resources.Model;

/// <summary>How entity names (the last path segment) are validated.</summary>
public sealed partial record NameRule(int MaxLength, Regex? Pattern, string Description, IReadOnlyList<string>? Fixed = null)
{
    /// <summary>The spec's common entity id rule: up to 256 characters, none of <c>*#&amp;+:&lt;&gt;?</c>.</summary>
    public static readonly NameRule Default = new(256, DefaultPattern(), "up to 256 characters, none of '*#&+:<>?'");

    public static NameRule Max(int maxLength) => Default with { MaxLength = maxLength, Description = $"up to {maxLength} characters, none of '*#&+:<>?'" };

    /// <summary>Only the listed names exist (e.g. <c>policy</c>, the portal settings names).</summary>
    public static NameRule OneOf(params string[] names) => new(256, null, "one of: " + string.Join(", ", names), names);

    /// <summary>
    /// Why <paramref name="name"/> can never be a name, whatever the kind (null when it can be): a name is one path
    /// segment after the one decoding HTTP does, so it may not hold a separator ('/', '\'), a '%' (an escape that
    /// would decode again in the next reader), control characters or surrounding spaces, nor be '.' or '..'.
    /// Checked on every path that carries a name, before anything is read or written.
    /// </summary>
    public static string? Unsafe(string name)
    {
        if (name.Length == 0)
        {
            return "The name must not be empty.";
        }

        var unsafeCharacter = name is "." or ".." || name.Trim().Length != name.Length;
        for (var i = 0; i < name.Length && !unsafeCharacter; i++)
        {
            var c = name[i];
            unsafeCharacter = c is '/' or '\\' or '%' || char.IsControl(c)
                || (char.IsHighSurrogate(c) && (i + 1 == name.Length || !char.IsLowSurrogate(name[++i])))
                || char.IsLowSurrogate(c);
        }

        return unsafeCharacter
            ? $"The name '{Printable(name)}' is not valid: names may not contain '/', '\\', '%' or control characters, begin or end with a space, or be '.' or '..'."
            : null;
    }

    /// <summary>Returns a problem description, or null when the name is valid; <paramref name="canonical"/> gets the declared casing of a fixed name.</summary>
    public string? Check(string name, out string canonical)
    {
        canonical = name;
        if (Unsafe(name) is { } problem)
        {
            return problem;
        }

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

    private static string Printable(string name)
    {
        var shown = new string([.. name.Take(80).Select(c => char.IsControl(c) || char.IsSurrogate(c) ? '\uFFFD' : c)]);
        return name.Length > 80 ? shown + "..." : shown;
    }

    [GeneratedRegex("^[^*#&+:<>?]+$")]
    private static partial Regex DefaultPattern();
}
