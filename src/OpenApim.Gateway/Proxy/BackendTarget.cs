using System.Runtime.CompilerServices;
using OpenApim.Gateway.Policies;

namespace OpenApim.Gateway.Proxy;

/// <summary>The URL a request is forwarded to: the backend's base URL, the (encoded) path below it, the query, a backend's extra query.</summary>
internal static class BackendTarget
{
    /// <summary>The backend URL, or null when it would not be below <paramref name="baseUrl"/> (the forwarded path must stay under the service URL).</summary>
    public static Uri? Build(string baseUrl, GatewayContext context)
    {
        var q = context.Http.Request.QueryString.Value ?? "";
        if (context.Backend is { } backend && backend.Query.Count > 0)
        {
            var extra = string.Join('&', backend.Query.SelectMany(kv => kv.Value.Select(v => $"{Uri.EscapeDataString(kv.Key)}={Uri.EscapeDataString(v)}")));
            q = q.Length == 0 ? "?" + extra : $"{q}&{extra}";
        }

        var path = context.BackendPath.AsSpan().TrimStart('/');
        var url = path.Length > 0 ? string.Concat(baseUrl.AsSpan().TrimEnd('/'), "/", path, q) : string.Concat(baseUrl.AsSpan().TrimEnd('/'), q);
        if (Roots.GetValue(baseUrl, Root.Parse) is not { Uri: { } root } parsed || !Uri.TryCreate(url, UriKind.Absolute, out var target))
        {
            return null;
        }

        var within = target.Scheme == root.Scheme && target.Authority == root.Authority
            && (parsed.Path.Length == 0 || target.AbsolutePath == parsed.Path || target.AbsolutePath.StartsWith(parsed.PathWithSlash, StringComparison.Ordinal));
        return within ? target : null;
    }

    /// <summary>Base URLs parsed once: they are the runtime snapshot's strings, so the table forgets them with the snapshot.</summary>
    private static readonly ConditionalWeakTable<string, Root> Roots = [];

    private sealed record Root(Uri? Uri, string Path, string PathWithSlash)
    {
        public static Root Parse(string baseUrl)
        {
            if (!Uri.TryCreate(baseUrl, UriKind.Absolute, out var uri))
            {
                return new Root(null, "", "/");
            }

            var path = uri.AbsolutePath.TrimEnd('/');
            return new Root(uri, path, path + "/");
        }
    }
}
