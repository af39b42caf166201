using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;

namespace OpenApim.Gateway.Policies;

/// <summary><c>rewrite-uri</c>: the backend path from a template with the operation's parameters.</summary>
internal sealed class RewriteUriStep(string template, bool copyUnmatched) : SyncStep
{
    protected override GatewayResponse? Run(GatewayContext c)
    {
        var query = QueryHelpers.ParseQuery(c.Http.Request.QueryString.Value);
        var used = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var result = System.Text.RegularExpressions.Regex.Replace(template, @"\{([^{}]+)\}", m =>
        {
            var name = m.Groups[1].Value.TrimStart('*');
            used.Add(name);
            if (c.TemplateValues.TryGetValue(name, out var value))
            {
                // Template values were matched decoded; re-encode them for the path (a catch-all keeps its '/').
                return Routing.RequestPath.Encode(value);
            }

            return query.TryGetValue(name, out var q) ? Uri.EscapeDataString(q.ToString()) : "";
        });

        var parts = result.Split('?', 2);
        var path = parts[0].TrimStart('/');
        var newQuery = parts.Length > 1 ? QueryHelpers.ParseQuery(parts[1]) : [];
        if (copyUnmatched)
        {
            foreach (var (key, value) in query.Where(q => !used.Contains(q.Key) && !newQuery.ContainsKey(q.Key)))
            {
                newQuery[key] = value;
            }
        }

        c.BackendPath = path;
        c.Http.Request.QueryString = QueryString.Create(newQuery.SelectMany(kv => kv.Value.Select(v => KeyValuePair.Create(kv.Key, v))));
        return null;
    }
}
