using System.Text;
using OpenApim.Gateway.Policies;

namespace OpenApim.Gateway.Proxy;

/// <summary>The URL a request is forwarded to: the backend's base URL, the (encoded) path below it, the query, a backend's extra query.</summary>
internal static class BackendTarget
{
    /// <summary>The backend URL, or null when it would not be below <paramref name="baseUrl"/> (the forwarded path must stay under the service URL).</summary>
    public static Uri? Build(string baseUrl, GatewayContext context)
    {
        var url = new StringBuilder(baseUrl.TrimEnd('/'));
        if (context.BackendPath.Length > 0)
        {
            url.Append('/').Append(context.BackendPath.TrimStart('/'));
        }

        var q = context.Http.Request.QueryString.Value ?? "";
        if (context.Backend is { } backend && backend.Query.Count > 0)
        {
            var extra = string.Join('&', backend.Query.SelectMany(kv => kv.Value.Select(v => $"{Uri.EscapeDataString(kv.Key)}={Uri.EscapeDataString(v)}")));
            q = q.Length == 0 ? "?" + extra : $"{q}&{extra}";
        }

        if (!Uri.TryCreate(url.Append(q).ToString(), UriKind.Absolute, out var target) || !Uri.TryCreate(baseUrl, UriKind.Absolute, out var root))
        {
            return null;
        }

        var rootPath = root.AbsolutePath.TrimEnd('/');
        var within = target.Scheme == root.Scheme && target.Authority == root.Authority
            && (rootPath.Length == 0 || target.AbsolutePath == rootPath || target.AbsolutePath.StartsWith(rootPath + "/", StringComparison.Ordinal));
        return within ? target : null;
    }
}
