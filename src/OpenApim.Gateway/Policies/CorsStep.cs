using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace OpenApim.Gateway.Policies;

/// <summary><c>cors</c>: answers preflight requests and adds the CORS headers to allowed cross-origin responses.</summary>
internal sealed class CorsStep(string[] origins, string[] methods, string[] headers, string[] expose, bool credentials, int? maxAge, bool terminateUnmatched) : SyncStep
{
    protected override GatewayResponse? Run(GatewayContext c)
    {
        var request = c.Http.Request;
        var origin = request.Headers.Origin.ToString();
        if (origin.Length == 0)
        {
            return null;
        }

        var originAllowed = origins.Contains("*") || origins.Contains(origin, StringComparer.OrdinalIgnoreCase);
        var preflight = HttpMethods.IsOptions(request.Method) && request.Headers.ContainsKey("Access-Control-Request-Method");
        if (preflight)
        {
            var method = request.Headers["Access-Control-Request-Method"].ToString();
            var methodAllowed = methods.Length == 0 || methods.Contains("*") || methods.Contains(method, StringComparer.OrdinalIgnoreCase);
            if (!originAllowed || !methodAllowed)
            {
                return terminateUnmatched ? new GatewayResponse { Status = 200 } : null;
            }

            var response = new GatewayResponse { Status = 200 };
            response.Headers["Access-Control-Allow-Origin"] = [origins.Contains("*") && !credentials ? "*" : origin];
            response.Headers["Access-Control-Allow-Methods"] = [methods.Length == 0 ? method : string.Join(", ", methods)];
            var requested = request.Headers["Access-Control-Request-Headers"].ToString();
            if (requested.Length > 0)
            {
                response.Headers["Access-Control-Allow-Headers"] = [headers.Contains("*") ? requested : string.Join(", ", headers)];
            }

            if (credentials)
            {
                response.Headers["Access-Control-Allow-Credentials"] = ["true"];
            }

            if (maxAge is { } age)
            {
                response.Headers["Access-Control-Max-Age"] = [age.ToString(CultureInfo.InvariantCulture)];
            }

            response.Headers["Vary"] = ["Origin"];
            return response;
        }

        if (originAllowed)
        {
            c.ResponseHeaders.Add(("Access-Control-Allow-Origin", origins.Contains("*") && !credentials ? "*" : origin, "override"));
            if (credentials)
            {
                c.ResponseHeaders.Add(("Access-Control-Allow-Credentials", "true", "override"));
            }

            if (expose.Length > 0)
            {
                c.ResponseHeaders.Add(("Access-Control-Expose-Headers", string.Join(", ", expose), "override"));
            }

            c.ResponseHeaders.Add(("Vary", "Origin", "append"));
        }

        return null;
    }
}
