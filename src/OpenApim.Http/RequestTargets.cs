using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace OpenApim.Http;

/// <summary>Checks on the request line that the management API and the gateway make themselves, on the target as sent.</summary>
public static class RequestTargets
{
    /// <summary>Longest path and query accepted, in characters (Azure Resource Manager and API Management answer 414 above about this).</summary>
    public const int MaxUrlLength = 16 * 1024;

    public static TargetProblem Check(HttpContext context)
    {
        var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? context.Request.Path.Value ?? "/";
        if (raw.Length > MaxUrlLength)
        {
            return TargetProblem.TooLong;
        }

        var query = raw.IndexOf('?', StringComparison.Ordinal);
        var path = query < 0 ? raw.AsSpan() : raw.AsSpan(0, query);
        foreach (var range in path.Split('/'))
        {
            // Only a segment with an escape can decode to dots; the others are compared as they are (no copy per request).
            var segment = path[range];
            if (segment.Contains('%') ? IsDots(Decode(segment.ToString())) : IsDots(segment))
            {
                return TargetProblem.DotSegment;
            }
        }

        return TargetProblem.None;
    }

    /// <summary>
    /// Clients that join a base URL ending in '/' with a path starting with one send "//metadata/endpoints" (the Azure CLI's
    /// <c>az cloud register</c> does); Resource Manager treats repeated leading slashes as one, and so do we.
    /// </summary>
    public static void CollapseLeadingSlashes(HttpContext context)
    {
        var path = context.Request.Path.Value;
        if (path is { Length: > 1 } && path[1] == '/' && path[0] == '/')
        {
            context.Request.Path = new PathString("/" + path.TrimStart('/'));
        }
    }

    /// <summary>Percent-decodes until nothing changes (at most a few rounds: every round shortens the text).</summary>
    private static string Decode(string segment)
    {
        for (var i = 0; i < 4 && segment.Contains('%', StringComparison.Ordinal); i++)
        {
            var decoded = Uri.UnescapeDataString(segment);
            if (decoded == segment)
            {
                break;
            }

            segment = decoded;
        }

        return segment;
    }

    private static bool IsDots(ReadOnlySpan<char> segment) => segment is "." or "..";
}
