namespace OpenApim.Resources.Queries;

/// <summary>
/// The OData <c>$filter</c> subset the API Management list operations accept:
/// <c>field eq|ne|gt|ge|lt|le literal</c>, <c>contains|startswith|endswith(field,'text')</c>,
/// <c>substringof('text',field)</c>, <c>not</c>, <c>and</c>, <c>or</c> and parentheses.
/// String comparisons are case-insensitive, as in API Management.
/// </summary>
public abstract record Filter
{
    /// <summary>Longest filter accepted, in characters.</summary>
    public const int MaxLength = 4096;

    /// <summary>Deepest nesting of <c>not</c> and parentheses accepted (the SQL it becomes is nested as deep).</summary>
    public const int MaxDepth = 32;

    /// <summary>Most comparisons and functions in one filter.</summary>
    public const int MaxTerms = 128;

    /// <summary>Parses a filter; <paramref name="resolveField"/> maps a field name to its declared casing, or null when the kind does not accept it.</summary>
    public static Filter Parse(string text, Func<string, string?> resolveField) => new FilterParser(text, resolveField).ParseAll();
}
