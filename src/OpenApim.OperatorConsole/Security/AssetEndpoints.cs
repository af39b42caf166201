using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace OpenApim.OperatorConsole.Security;

/// <summary>The console's stylesheet and script, embedded in the assembly (the server runs offline: no CDN, no build step).</summary>
internal static class AssetEndpoints
{
    private static readonly Dictionary<string, (byte[] Bytes, string Type, string ETag)> Assets = new(StringComparer.Ordinal)
    {
        ["console.css"] = Load("console.css", "text/css; charset=utf-8"),
        ["console.js"] = Load("console.js", "text/javascript; charset=utf-8"),
    };

    public static void Map(IEndpointRouteBuilder app) => app.MapGet("/console/assets/{name}", (HttpContext c, string name) =>
    {
        if (!Assets.TryGetValue(name, out var asset))
        {
            return Results.NotFound();
        }

        c.Response.Headers.CacheControl = "no-cache";
        return c.Request.Headers.IfNoneMatch.ToString() == asset.ETag
            ? Results.StatusCode(304)
            : Results.Bytes(asset.Bytes, asset.Type, entityTag: new Microsoft.Net.Http.Headers.EntityTagHeaderValue(asset.ETag));
    });

    private static (byte[], string, string) Load(string name, string type)
    {
        using var stream = typeof(AssetEndpoints).Assembly.GetManifestResourceStream($"OpenApim.OperatorConsole.Assets.{name}")
            ?? throw new InvalidOperationException($"The console asset {name} is not embedded.");
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        var bytes = memory.ToArray();
        return (bytes, type, $"\"{Convert.ToHexString(SHA256.HashData(bytes))[..16]}\"");
    }
}
