using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;

namespace OpenApim.Gateway.Policies;

/// <summary>One compiled policy. Returns null to go on, or the response that ends the pipeline.</summary>
internal interface IPolicyStep
{
    ValueTask<GatewayResponse?> RunAsync(GatewayContext context);
}

/// <summary>Runs synchronously; most policies do.</summary>
internal abstract class SyncStep : IPolicyStep
{
    public ValueTask<GatewayResponse?> RunAsync(GatewayContext context) => ValueTask.FromResult(Run(context));

    protected abstract GatewayResponse? Run(GatewayContext context);
}

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
                headers.Append(name, new StringValues([.. values.Select(v => v(c))]));
                break;
            default:
                headers[name] = new StringValues([.. values.Select(v => v(c))]);
                break;
        }

        return null;
    }
}

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

/// <summary><c>set-backend-service</c>: another base URL, or a backend entity with its credentials.</summary>
internal sealed class SetBackendServiceStep(Func<GatewayContext, string>? baseUrl, string? backendId) : SyncStep
{
    protected override GatewayResponse? Run(GatewayContext c)
    {
        if (baseUrl is not null)
        {
            c.BackendUrl = baseUrl(c);
            c.Backend = null;
            return null;
        }

        if (!c.Service.Backends.TryGetValue(backendId!, out var backend))
        {
            return GatewayResponse.Error(500, $"The backend '{backendId}' named by set-backend-service does not exist.", "set-backend-service");
        }

        c.Backend = backend;
        c.BackendUrl = backend.Url;
        return null;
    }
}

/// <summary><c>set-method</c>.</summary>
internal sealed class SetMethodStep(string method) : SyncStep
{
    protected override GatewayResponse? Run(GatewayContext c)
    {
        c.Method = method.ToUpperInvariant();
        return null;
    }
}

/// <summary><c>forward-request</c>: the backend timeout.</summary>
internal sealed class ForwardRequestStep(TimeSpan? timeout) : SyncStep
{
    protected override GatewayResponse? Run(GatewayContext c)
    {
        c.Timeout = timeout ?? c.Timeout;
        return null;
    }
}

/// <summary><c>set-status</c> on the response.</summary>
internal sealed class SetStatusStep(int code, string? reason) : SyncStep
{
    protected override GatewayResponse? Run(GatewayContext c)
    {
        c.ResponseHeaders.Add((":status", code.ToString(CultureInfo.InvariantCulture), reason ?? ""));
        return null;
    }
}

/// <summary><c>return-response</c> and <c>mock-response</c>: answer without (or instead of) the backend.</summary>
internal sealed class ReturnResponseStep(int status, string? reason, string? contentType, (string Name, string Action, Func<GatewayContext, string>[] Values)[] headers, string? body) : SyncStep
{
    protected override GatewayResponse? Run(GatewayContext c)
    {
        var response = new GatewayResponse { Status = status, Reason = reason, ContentType = contentType, Body = body };
        foreach (var (name, action, values) in headers)
        {
            if (action != "delete")
            {
                response.Headers[name] = [.. values.Select(v => v(c))];
            }
        }

        return response;
    }
}

/// <summary><c>check-header</c>: the request must carry the header, with one of the listed values when any are listed.</summary>
internal sealed class CheckHeaderStep(string name, int failedStatus, string failedMessage, bool ignoreCase, string[] values) : SyncStep
{
    protected override GatewayResponse? Run(GatewayContext c)
    {
        var comparison = ignoreCase ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal;
        if (c.Http.Request.Headers.TryGetValue(name, out var actual) && actual.Count > 0
            && (values.Length == 0 || actual.Any(a => values.Contains(a, comparison))))
        {
            return null;
        }

        return GatewayResponse.Error(failedStatus, failedMessage, "check-header");
    }
}

/// <summary><c>ip-filter</c>.</summary>
internal sealed class IpFilterStep(bool allow, IPAddress[] addresses, (IPAddress From, IPAddress To)[] ranges) : SyncStep
{
    protected override GatewayResponse? Run(GatewayContext c)
    {
        var ip = c.Http.Connection.RemoteIpAddress;
        if (ip is { IsIPv4MappedToIPv6: true })
        {
            ip = ip.MapToIPv4();
        }

        var listed = ip is not null && (addresses.Any(a => a.Equals(ip)) || ranges.Any(r => InRange(ip, r.From, r.To)));
        return listed == allow ? null : GatewayResponse.Error(403, $"Forbidden: the caller IP address {ip} is not allowed.", "ip-filter");
    }

    private static bool InRange(IPAddress ip, IPAddress from, IPAddress to)
    {
        var value = ip.GetAddressBytes();
        var low = from.GetAddressBytes();
        var high = to.GetAddressBytes();
        return value.Length == low.Length && value.Length == high.Length
            && value.AsSpan().SequenceCompareTo(low) >= 0 && value.AsSpan().SequenceCompareTo(high) <= 0;
    }
}

/// <summary><c>rate-limit</c> (per subscription) and <c>rate-limit-by-key</c> (per counter key).</summary>
internal sealed class RateLimitStep(Counters.Partition counters, long calls, TimeSpan period, Func<GatewayContext, string>? key, string? retryAfterHeader, string? remainingHeader, string? totalHeader) : SyncStep
{
    protected override GatewayResponse? Run(GatewayContext c)
    {
        var subject = key?.Invoke(c) ?? c.Subscription?.Name ?? "anonymous:" + c.ClientIp;
        var (allowed, remaining, retry) = counters.Take(subject, calls, period);
        if (remainingHeader is not null)
        {
            c.ResponseHeaders.Add((remainingHeader, remaining.ToString(CultureInfo.InvariantCulture), "override"));
        }

        if (totalHeader is not null)
        {
            c.ResponseHeaders.Add((totalHeader, calls.ToString(CultureInfo.InvariantCulture), "override"));
        }

        if (allowed)
        {
            return null;
        }

        var seconds = Math.Max(1, (int)Math.Ceiling(retry.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        return GatewayResponse.Error(429, $"Rate limit is exceeded. Try again in {seconds} seconds.", key is null ? "rate-limit" : "rate-limit-by-key",
            (retryAfterHeader ?? "Retry-After", seconds));
    }
}

/// <summary><c>quota</c>: calls (and bandwidth in KiB) per subscription per renewal period.</summary>
internal sealed class QuotaStep(Counters.Partition callCounters, Counters.Partition byteCounters, long? calls, long? kilobytes, TimeSpan period) : SyncStep
{
    protected override GatewayResponse? Run(GatewayContext c)
    {
        var subject = c.Subscription?.Name ?? "anonymous:" + c.ClientIp;
        if (calls is { } limit)
        {
            var (allowed, _, retry) = callCounters.Take(subject, limit, period);
            if (!allowed)
            {
                return GatewayResponse.Error(403, $"Out of call volume quota. Quota will be replenished in {retry:hh\\:mm\\:ss}.", "quota");
            }
        }

        if (kilobytes is { } kb)
        {
            // Bandwidth is known only after the response: refuse once the window is used up, count when the request ends.
            var (allowed, _, retry) = byteCounters.Take(subject, (kb * 1024) - 1, period, amount: 0);
            if (!allowed)
            {
                return GatewayResponse.Error(403, $"Out of bandwidth quota. Quota will be replenished in {retry:hh\\:mm\\:ss}.", "quota");
            }

            c.Http.Response.RegisterForDispose(new BandwidthCounter(byteCounters, subject, c.Http));
        }

        return null;
    }

    /// <summary>Adds the response's bytes to the bandwidth window when the request ends.</summary>
    private sealed class BandwidthCounter(Counters.Partition counters, string subject, HttpContext http) : IDisposable
    {
        public void Dispose() => counters.Add(subject, (http.Request.ContentLength ?? 0) + (http.Response.ContentLength ?? 0));
    }
}

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

/// <summary>A policy that could not be compiled (e.g. stored before a rule existed): every request fails clearly.</summary>
internal sealed class BrokenStep(string why) : SyncStep
{
    protected override GatewayResponse? Run(GatewayContext c) => GatewayResponse.Error(500, $"The policy of this API cannot run: {why}", "policy");
}
