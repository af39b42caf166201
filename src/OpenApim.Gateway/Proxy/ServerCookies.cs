using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace OpenApim.Gateway.Proxy;

/// <summary>
/// The cookies the server itself sets on its host (the console's session, sign-in, storage, flash and antiforgery cookies,
/// all named <c>__Host-openapim-*</c>). Cookies are scoped to a host, not a port, so a browser sends them to the gateway
/// too. Before any policy runs, the gateway removes them from the request (so neither a backend nor a policy expression
/// sees them), and whatever answers — a backend, a policy, an error — cannot set them: every gateway response drops such a
/// <c>Set-Cookie</c> as it starts.
/// </summary>
internal static class ServerCookies
{
    public const string Prefix = OpenApim.Http.ServerCookieNames.Prefix;

    public static void Shield(HttpContext http)
    {
        var cookies = http.Request.Headers.Cookie;
        if (cookies.Count > 0 && Mentions(cookies))
        {
            var kept = Without(cookies);
            if (kept.Length == 0)
            {
                http.Request.Headers.Remove("Cookie");
            }
            else
            {
                http.Request.Headers.Cookie = kept;
            }
        }

        http.Response.OnStarting(static state =>
        {
            var headers = ((HttpResponse)state).Headers;
            var set = headers.SetCookie;
            if (set.Count > 0 && Mentions(set))
            {
                headers.SetCookie = new StringValues([.. set.Where(c => c is not null && !Owns(c))]);
            }

            return Task.CompletedTask;
        }, http.Response);
    }

    /// <summary>True for a <c>Set-Cookie</c> value or a cookie pair naming one of the server's cookies (an empty name too: "=__Host-...").</summary>
    public static bool Owns(string cookie)
    {
        var trimmed = cookie.AsSpan().TrimStart();
        if (trimmed.StartsWith("=", StringComparison.Ordinal))
        {
            trimmed = trimmed[1..].TrimStart();
        }

        return trimmed.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The Cookie header's pairs without the server's cookies, joined again.</summary>
    public static string Without(IEnumerable<string?> headers) =>
        string.Join("; ", headers.OfType<string>().SelectMany(h => h.Split(';')).Select(p => p.Trim()).Where(p => p.Length > 0 && !Owns(p)));

    /// <summary>A cheap test first: most requests carry no cookie of the server's.</summary>
    private static bool Mentions(StringValues values)
    {
        foreach (var value in values)
        {
            if (value is not null && value.Contains(Prefix, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
