using System.Text;
using Microsoft.AspNetCore.Http;
using OpenApim.Http;

namespace OpenApim.Gateway.Routing;

/// <summary>
/// The gateway's view of a request path. Before anything is matched the path is refused when it could mean
/// something else to the backend than to the gateway: dot segments (literal or percent-encoded), backslashes,
/// or an encoded slash (which Kestrel leaves encoded, so <c>%2F</c> and <c>%252F</c> look alike). What is
/// forwarded is then re-encoded segment by segment, so the backend decodes exactly the values that were matched.
/// </summary>
internal static class RequestPath
{
    /// <summary>Why the path cannot be routed, or null when it can.</summary>
    public static string? Problem(HttpContext http)
    {
        switch (RequestTargets.Check(http))
        {
            case TargetProblem.TooLong:
                return "too long";
            case TargetProblem.DotSegment:
                return "it has a '.' or '..' segment";
        }

        var path = http.Request.Path.Value ?? "";
        if (path.Contains('\\', StringComparison.Ordinal))
        {
            return "it contains a backslash";
        }

        // Ordinal searches for both spellings: a case-insensitive search takes longer than the rest of this check together.
        if (path.Contains('%') && (path.Contains("%2F", StringComparison.Ordinal) || path.Contains("%2f", StringComparison.Ordinal)))
        {
            return "it contains an encoded '/'";
        }

        return null;
    }

    /// <summary>Percent-encodes each segment of a decoded path (keeping '/' between segments).</summary>
    public static string Encode(string decodedPath)
    {
        if (!decodedPath.AsSpan().ContainsAnyExcept(PathChars))
        {
            return decodedPath; // nothing to escape: the common case, without a copy
        }

        var result = new StringBuilder(decodedPath.Length + 16);
        var segments = decodedPath.Split('/');
        for (var i = 0; i < segments.Length; i++)
        {
            if (i > 0)
            {
                result.Append('/');
            }

            AppendSegment(result, segments[i]);
        }

        return result.ToString();
    }

    private static readonly System.Buffers.SearchValues<char> PathChars =
        System.Buffers.SearchValues.Create("/ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~!$&'()*+,;=:@");

    /// <summary>RFC 3986 pchar: unreserved, sub-delims, ':' and '@' stay; everything else is percent-encoded as UTF-8.</summary>
    private static void AppendSegment(StringBuilder result, string segment)
    {
        Span<byte> utf8 = stackalloc byte[4];
        for (var i = 0; i < segment.Length; i++)
        {
            var c = segment[i];
            if (char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '~' or '!' or '$' or '&' or '\'' or '(' or ')' or '*' or '+' or ',' or ';' or '=' or ':' or '@')
            {
                result.Append(c);
                continue;
            }

            var length = char.IsHighSurrogate(c) && i + 1 < segment.Length
                ? Encoding.UTF8.GetBytes(segment.AsSpan(i++, 2), utf8)
                : Encoding.UTF8.GetBytes(segment.AsSpan(i, 1), utf8);
            foreach (var b in utf8[..length])
            {
                result.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }
    }
}
