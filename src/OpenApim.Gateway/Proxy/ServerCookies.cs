namespace OpenApim.Gateway.Proxy;

/// <summary>
/// The cookies the server itself sets on its host (the console's session, sign-in, storage and antiforgery cookies, all
/// named <c>__Host-openapim-*</c>). Cookies are scoped to a host, not a port, so a browser sends them to the gateway too:
/// the gateway removes them from what it forwards and refuses to let a backend set them.
/// </summary>
internal static class ServerCookies
{
    public const string Prefix = "__Host-openapim-";

    /// <summary>True for a <c>Set-Cookie</c> value or a cookie pair naming one of the server's cookies.</summary>
    public static bool Owns(string cookie) => cookie.AsSpan().TrimStart().StartsWith(Prefix, StringComparison.OrdinalIgnoreCase);

    /// <summary>The Cookie header without the server's cookies; null when it holds none of them (nothing to change).</summary>
    public static string? Without(IEnumerable<string> headers)
    {
        var pairs = headers.SelectMany(h => h.Split(';')).Select(p => p.Trim()).Where(p => p.Length > 0).ToList();
        return pairs.Any(Owns) ? string.Join("; ", pairs.Where(p => !Owns(p))) : null;
    }
}
