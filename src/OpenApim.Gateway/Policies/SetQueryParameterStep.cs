using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;

namespace OpenApim.Gateway.Policies;

/// <summary><c>set-query-parameter</c>.</summary>
internal sealed class SetQueryParameterStep(string name, string action, Func<GatewayContext, string>[] values) : SyncStep
{
    protected override GatewayResponse? Run(GatewayContext c)
    {
        var query = QueryHelpers.ParseQuery(c.Http.Request.QueryString.Value);
        switch (action)
        {
            case "delete":
                query.Remove(name);
                break;
            case "skip" when query.ContainsKey(name):
                break;
            case "append":
                query[name] = StringValues.Concat(query.TryGetValue(name, out var existing) ? existing : StringValues.Empty, new StringValues([.. values.Select(v => v(c))]));
                break;
            default:
                query[name] = new StringValues([.. values.Select(v => v(c))]);
                break;
        }

        c.Http.Request.QueryString = QueryString.Create(query.SelectMany(kv => kv.Value.Select(v => KeyValuePair.Create(kv.Key, v))));
        return null;
    }
}
