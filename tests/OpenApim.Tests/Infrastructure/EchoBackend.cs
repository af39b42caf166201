using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace OpenApim.Tests.Infrastructure;

/// <summary>
/// A real Kestrel backend on a free loopback port that answers with what it received (method, path,
/// query, headers, body) as JSON. <c>/status/{code}</c> answers with that status.
/// </summary>
public sealed class EchoBackend : IAsyncDisposable
{
    private readonly WebApplication _app;

    private EchoBackend(WebApplication app, string url)
    {
        _app = app;
        Url = url;
    }

    public string Url { get; }

    public static async Task<EchoBackend> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        app.Run(async context =>
        {
            var request = context.Request;
            var segments = request.Path.Value!.Split('/', StringSplitOptions.RemoveEmptyEntries);
            var status = segments.Length >= 2 && segments[^2] == "status" && int.TryParse(segments[^1], out var s) ? s : 200;
            using var reader = new StreamReader(request.Body);
            var body = await reader.ReadToEndAsync();
            var echo = new JsonObject
            {
                ["method"] = request.Method,
                ["path"] = request.Path.Value,
                ["query"] = request.QueryString.Value,
                ["headers"] = new JsonObject(request.Headers.Select(h => KeyValuePair.Create(h.Key.ToLowerInvariant(), (JsonNode?)h.Value.ToString()))),
                ["body"] = body,
            };
            context.Response.StatusCode = status;
            context.Response.Headers["x-backend"] = "echo";
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(echo.ToJsonString());
        });
        await app.StartAsync();
        return new EchoBackend(app, app.Urls.Single());
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
