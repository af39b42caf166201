using OpenApim.Policies;

namespace OpenApim.Gateway.Configuration;

/// <summary>
/// Parsed policy documents by their resolved text, kept from one build of a service's runtime to the next, so a change
/// to one API does not re-parse the policies of the thousand it leaves alone. Entries the last build did not use are dropped.
/// </summary>
internal sealed class PolicyCache
{
    private Dictionary<string, PolicySections> _previous = new(StringComparer.Ordinal);
    private Dictionary<string, PolicySections> _current = new(StringComparer.Ordinal);

    public PolicySections Get(string resolvedXml, Func<string, PolicySections> parse)
    {
        if (_current.TryGetValue(resolvedXml, out var parsed))
        {
            return parsed;
        }

        parsed = _previous.TryGetValue(resolvedXml, out var kept) ? kept : parse(resolvedXml);
        _current[resolvedXml] = parsed;
        return parsed;
    }

    /// <summary>Ends a build: what it used is what the next build can reuse.</summary>
    public void Complete()
    {
        _previous = _current;
        _current = new Dictionary<string, PolicySections>(StringComparer.Ordinal);
    }
}
