namespace OpenApim.Gateway.Runtime;

/// <summary>
/// An operation's <c>urlTemplate</c> compiled for matching: literal segments, <c>{parameter}</c> segments and a
/// trailing <c>{*rest}</c>. The query part of a template is not matched. More literal segments win.
/// </summary>
internal sealed class UrlTemplate
{
    private readonly Segment[] _segments;
    private readonly bool _catchAll;

    public UrlTemplate(string template)
    {
        var path = template.Split('?')[0].Trim('/');
        var parts = path.Length == 0 ? [] : path.Split('/');
        // "{*rest}" names what it catches; a bare "*" (Azure's "/*" template) catches the same, unnamed.
        _catchAll = parts.Length > 0 && (parts[^1].StartsWith("{*", StringComparison.Ordinal) || parts[^1] == "*");
        _segments = [.. parts.Take(_catchAll ? parts.Length - 1 : parts.Length).Select(Segment.Parse)];
        Specificity = (_segments.Count(s => s.Literal is not null) * 1000) + (_segments.Length * 10) - (_catchAll ? 5 : 0);
    }

    /// <summary>Orders candidates: the most specific template is tried first.</summary>
    public int Specificity { get; }

    /// <summary>The parameters of a path this template matches (empty when it does not).</summary>
    public Dictionary<string, string> Values(string path)
    {
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (!TryMatch(path, values))
        {
            values.Clear();
        }

        return values;
    }

    /// <summary>Matches the path below the API (no leading slash); parameters go into <paramref name="values"/> when given.</summary>
    public bool TryMatch(ReadOnlySpan<char> path, Dictionary<string, string>? values)
    {
        path = path.Trim('/');
        foreach (var segment in _segments)
        {
            var slash = path.IndexOf('/');
            var part = slash < 0 ? path : path[..slash];
            if (part.IsEmpty)
            {
                return false;
            }

            if (!segment.Matches(part, values))
            {
                return false;
            }

            path = slash < 0 ? [] : path[(slash + 1)..];
        }

        if (path.IsEmpty)
        {
            return true;
        }

        if (_catchAll)
        {
            values?.TryAdd("*", path.ToString());
            return true;
        }

        return false;
    }

    private sealed record Segment(string? Literal, string? Prefix, string? Parameter, string? Suffix)
    {
        public static Segment Parse(string text)
        {
            var open = text.IndexOf('{', StringComparison.Ordinal);
            var close = text.IndexOf('}', StringComparison.Ordinal);
            return open < 0 || close < open
                ? new Segment(text, null, null, null)
                : new Segment(null, text[..open], text[(open + 1)..close], text[(close + 1)..]);
        }

        public bool Matches(ReadOnlySpan<char> part, Dictionary<string, string>? values)
        {
            if (Literal is not null)
            {
                return part.Equals(Literal, StringComparison.OrdinalIgnoreCase);
            }

            if (!part.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase) || !part.EndsWith(Suffix, StringComparison.OrdinalIgnoreCase)
                || part.Length <= Prefix!.Length + Suffix!.Length)
            {
                return false;
            }

            values?.TryAdd(Parameter!, part[Prefix.Length..^Suffix.Length].ToString());
            return true;
        }
    }
}
