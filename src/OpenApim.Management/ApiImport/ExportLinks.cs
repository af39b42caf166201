using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using OpenApim.Resources.Arm;

namespace OpenApim.Management.ApiImport;

/// <summary>
/// The download behind an export link. Azure hands out a blob URL with a SAS valid for five minutes; here the link is
/// <c>{managementUrl}/exports/{token}</c>, unauthenticated like a SAS URL, held in this process's memory for five minutes.
/// </summary>
internal sealed class ExportLinks(TimeProvider time)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);

    private const int MaxHeld = 256;

    private readonly ConcurrentDictionary<string, Export> held = new(StringComparer.Ordinal);

    public static void Map(IEndpointRouteBuilder app) =>
        app.MapGet("/exports/{token}", (HttpContext c, string token, ExportLinks links) => links.ServeAsync(c, token)).AllowAnonymous();

    public string Add(string baseUrl, string content, string contentType)
    {
        var now = time.GetUtcNow();
        foreach (var (key, export) in held)
        {
            if (export.Expires <= now)
            {
                held.TryRemove(key, out _);
            }
        }

        while (held.Count >= MaxHeld && held.OrderBy(e => e.Value.Expires).FirstOrDefault() is { Key: { } oldest })
        {
            held.TryRemove(oldest, out _);
        }

        var token = Base64Url(RandomNumberGenerator.GetBytes(32));
        held[token] = new Export(content, contentType, now + Lifetime);
        return $"{baseUrl.TrimEnd('/')}/exports/{token}";
    }

    private async Task ServeAsync(HttpContext c, string token)
    {
        if (!held.TryGetValue(token, out var export) || export.Expires <= time.GetUtcNow())
        {
            throw new ArmException(System.Net.HttpStatusCode.NotFound, "ExportNotFound", "This export link does not exist or has expired; export the API again.");
        }

        c.Response.StatusCode = 200;
        c.Response.ContentType = export.ContentType;
        await c.Response.WriteAsync(export.Content, c.RequestAborted);
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private sealed record Export(string Content, string ContentType, DateTimeOffset Expires);
}
