using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using OpenApim.Resources.Arm;
using OpenApim.Resources.Hosting;

namespace OpenApim.Http;

/// <summary>Reading the parts of an ARM request: api-version, JSON body, conditional headers, paging.</summary>
public static class ArmRequest
{
    private const string ApiVersionItem = "openapim.api-version";

    /// <summary>The validated api-version (set by <see cref="ArmRequestFilter"/>).</summary>
    public static string ApiVersion(this HttpContext context) =>
        context.Items[ApiVersionItem] as string ?? throw ArmErrors.MissingApiVersion();

    internal static void SetApiVersion(this HttpContext context, string version) => context.Items[ApiVersionItem] = version;

    /// <summary>
    /// Reads the body as a JSON object, strictly (<see cref="StrictJson"/>); an empty body is an empty object unless
    /// <paramref name="required"/>. A body sent as anything but JSON is refused with 415.
    /// </summary>
    public static async Task<JsonObject> ReadJsonObjectAsync(this HttpRequest request, bool required, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, ct);
        var bytes = buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
        if (bytes.Span.StartsWith(Utf8Bom))
        {
            bytes = bytes[Utf8Bom.Length..];
        }

        var blank = bytes.Span.IndexOfAnyExcept(" \t\r\n"u8) < 0;
        if (!blank && !IsJson(request.ContentType))
        {
            throw ArmErrors.UnsupportedMediaType(request.ContentType!);
        }

        var node = blank ? null : StrictJson.Parse(bytes.Span);
        return node switch
        {
            JsonObject o => o,
            null when !required => [],
            null => throw ArmErrors.InvalidRequestContent("a JSON object body is required."),
            _ => throw ArmErrors.InvalidRequestContent($"the body must be a JSON object, not {node.GetValueKind()}."),
        };
    }

    /// <summary>No content type (some clients omit it), <c>application/json</c>, <c>text/json</c> or any <c>+json</c> type.</summary>
    private static bool IsJson(string? contentType)
    {
        if (string.IsNullOrWhiteSpace(contentType))
        {
            return true;
        }

        var media = contentType.Split(';')[0].Trim();
        return media.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || media.Equals("text/json", StringComparison.OrdinalIgnoreCase)
            || media.EndsWith("+json", StringComparison.OrdinalIgnoreCase);
    }

    private static ReadOnlySpan<byte> Utf8Bom => [0xEF, 0xBB, 0xBF];

    public static string? IfMatch(this HttpRequest request) => NullIfEmpty(request.Headers.IfMatch.ToString());

    public static string? IfNoneMatch(this HttpRequest request) => NullIfEmpty(request.Headers.IfNoneMatch.ToString());

    /// <summary>Reads <c>$top</c> and <c>$skip</c> (defaults: 100 and 0; <c>$top</c> is capped at 1000).</summary>
    public static (int Top, int Skip) Paging(this HttpRequest request)
    {
        var top = ReadInt(request, "$top", 100, 1);
        var skip = ReadInt(request, "$skip", 0, 0);
        return (Math.Min(top, 1000), skip);
    }

    public static string? Query(this HttpRequest request, string name) => NullIfEmpty(request.Query[name].ToString());

    /// <summary>The absolute URL of the next page, or null when this page is the last.</summary>
    public static string? NextLink(this HttpRequest request, int top, int skip, long total)
    {
        if (skip + top >= total)
        {
            return null;
        }

        var query = request.Query.Where(q => q.Key is not ("$top" or "$skip"))
            .Select(q => $"{Uri.EscapeDataString(q.Key)}={Uri.EscapeDataString(q.Value.ToString())}")
            .Append($"$top={top}")
            .Append($"$skip={skip + top}");
        return $"{request.BaseUrl()}{request.Path}?{string.Join('&', query)}";
    }

    /// <summary>
    /// The management API's configured public URL. Links the server hands out (<c>Location</c>, <c>nextLink</c>) are built
    /// on it, never on the request's <c>Host</c> header, which any client can forge.
    /// </summary>
    public static string BaseUrl(this HttpRequest request) =>
        request.HttpContext.RequestServices.GetRequiredService<Deployment>().ManagementUrl.TrimEnd('/');

    /// <summary>
    /// The origin the client used (<c>scheme://host:port</c>, from its <c>Host</c> header): only for choosing among the
    /// server's own URLs (which issuer, which callback), never for a link on its own.
    /// </summary>
    public static string Origin(this HttpRequest request) => $"{request.Scheme}://{request.Host}";

    private static int ReadInt(HttpRequest request, string name, int fallback, int minimum)
    {
        var raw = request.Query[name].ToString();
        if (raw.Length == 0)
        {
            return fallback;
        }

        if (!int.TryParse(raw, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value) || value < minimum)
        {
            throw ArmErrors.Validation(name, $"'{name}' must be an integer of at least {minimum}, not '{raw}'.");
        }

        return value;
    }

    private static string? NullIfEmpty(string s) => string.IsNullOrWhiteSpace(s) ? null : s;
}
