using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace OpenApim.Gateway.Policies;

/// <summary><c>set-header</c> on the request (inbound, backend) or on the response (outbound, on-error).</summary>
internal sealed class SetHeaderStep(string name, string action, Func<GatewayContext, string>[] values, bool onResponse) : SyncStep
{
    protected override GatewayResponse? Run(GatewayContext c)
    {
        if (onResponse)
        {
            if (action == "delete")
            {
                c.ResponseHeaders.Add((name, null, action));
            }
            else
            {
                foreach (var value in values)
                {
                    c.ResponseHeaders.Add((name, value(c), action));
                }
            }

            return null;
        }

        var headers = c.Http.Request.Headers;
        switch (action)
        {
            case "delete":
                headers.Remove(name);
                break;
            case "skip" when headers.ContainsKey(name):
                break;
            case "append":
                headers.Append(name, Values(c));
                break;
            default:
                headers[name] = Values(c);
                break;
        }

        return null;
    }

    /// <summary>The header's values for this request; one value (the usual case) without an array.</summary>
    private StringValues Values(GatewayContext c)
    {
        if (values.Length == 1)
        {
            return new StringValues(values[0](c));
        }

        var result = new string[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            result[i] = values[i](c);
        }

        return new StringValues(result);
    }
}
