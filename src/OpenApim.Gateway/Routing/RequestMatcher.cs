using Microsoft.AspNetCore.Http;
using OpenApim.Gateway.Runtime;

namespace OpenApim.Gateway.Routing;

/// <summary>Finds the API (by path and version) and the operation (by method and URL template) a request addresses.</summary>
internal static class RequestMatcher
{
    /// <summary>The API and the path below it (and below its version segment); null when no API matches.</summary>
    public static (ApiRuntime Api, string Remainder)? MatchApi(ServiceRuntime service, HttpRequest request)
    {
        var path = (request.Path.Value ?? "/").AsSpan().TrimStart('/');
        var slash = path.IndexOf('/');
        var first = slash < 0 ? path : path[..slash];
        var candidates = service.ApisByFirstSegment.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(first, out var byFirst) ? byFirst : [];
        return Match(candidates, path, request) ?? Match(service.RootApis, path, request);
    }

    private static (ApiRuntime Api, string Remainder)? Match(ApiRuntime[] apis, ReadOnlySpan<char> path, HttpRequest request)
    {
        foreach (var api in apis)
        {
            var prefix = api.Path;
            if (prefix.Length > 0 && !(path.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) && (path.Length == prefix.Length || path[prefix.Length] == '/')))
            {
                continue;
            }

            var rest = path[prefix.Length..].TrimStart('/');
            if (api.Versioning is { } versioning && !MatchVersion(api, versioning, request, ref rest))
            {
                continue;
            }

            return (api, rest.ToString());
        }

        return null;
    }

    /// <summary>The operation for the method (or, for a CORS preflight, the method it asks about).</summary>
    public static OperationRuntime? MatchOperation(ApiRuntime api, string rest, string method)
    {
        foreach (var operation in api.Operations)
        {
            if ((operation.Method == method || operation.Method == "*") && operation.Template.TryMatch(rest, null))
            {
                return operation;
            }
        }

        return null;
    }

    private static bool MatchVersion(ApiRuntime api, VersioningRuntime versioning, HttpRequest request, ref ReadOnlySpan<char> rest)
    {
        switch (versioning.Scheme)
        {
            case "Segment":
                var slash = rest.IndexOf('/');
                var segment = slash < 0 ? rest : rest[..slash];
                if (api.ApiVersion is null)
                {
                    return true;
                }

                if (!segment.Equals(api.ApiVersion, StringComparison.OrdinalIgnoreCase))
                {
                    return false;
                }

                rest = slash < 0 ? [] : rest[(slash + 1)..];
                return true;
            case "Query":
                var query = request.Query[versioning.Parameter ?? "api-version"].ToString();
                return api.ApiVersion is null ? query.Length == 0 : query.Equals(api.ApiVersion, StringComparison.OrdinalIgnoreCase);
            case "Header":
                var header = request.Headers[versioning.Parameter ?? "Api-Version"].ToString();
                return api.ApiVersion is null ? header.Length == 0 : header.Equals(api.ApiVersion, StringComparison.OrdinalIgnoreCase);
            default:
                return false;
        }
    }
}
