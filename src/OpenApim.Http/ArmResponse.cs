using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using OpenApim.Resources.Arm;

namespace OpenApim.Http;

/// <summary>Writing ARM responses: JSON bodies, ETags and the error envelope.</summary>
public static class ArmResponse
{
    private static readonly JsonSerializerOptions Options = new() { WriteIndented = false };

    public static async Task JsonAsync(this HttpResponse response, int status, JsonNode? body, string? etag = null)
    {
        response.StatusCode = status;
        if (etag is not null)
        {
            response.Headers.ETag = ETag.Quote(etag);
        }

        if (body is null || HttpMethods.IsHead(response.HttpContext.Request.Method))
        {
            return;
        }

        response.ContentType = "application/json; charset=utf-8";
        await using var writer = new Utf8JsonWriter(response.Body, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        body.WriteTo(writer, Options);
        await writer.FlushAsync(response.HttpContext.RequestAborted);
    }

    public static Task StatusAsync(this HttpResponse response, int status)
    {
        response.StatusCode = status;
        return Task.CompletedTask;
    }

    /// <summary>The ARM error envelope <c>{"error":{"code","message","target","details"}}</c>.</summary>
    public static JsonObject ErrorBody(string code, string message, string? target, IReadOnlyList<ArmErrorDetail> details)
    {
        var error = new JsonObject { ["code"] = code, ["message"] = message };
        if (target is not null)
        {
            error["target"] = target;
        }

        error["details"] = new JsonArray(details.Select(d => (JsonNode)new JsonObject
        {
            ["code"] = d.Code,
            ["target"] = d.Target,
            ["message"] = d.Message,
        }).ToArray());
        return new JsonObject { ["error"] = error };
    }

    public static Task ErrorAsync(this HttpResponse response, ArmException e)
    {
        foreach (var (name, value) in e.Headers)
        {
            response.Headers[name] = value;
        }

        return response.JsonAsync((int)e.Status, ErrorBody(e.Code, e.Message, e.Target, e.Details));
    }

    /// <summary>A list page: <c>{"value":[...],"count":n,"nextLink":url}</c>.</summary>
    public static JsonObject Page(IEnumerable<JsonNode> items, long? count, string? nextLink)
    {
        var page = new JsonObject { ["value"] = new JsonArray(items.ToArray()) };
        if (count is not null)
        {
            page["count"] = count;
        }

        if (nextLink is not null)
        {
            page["nextLink"] = nextLink;
        }

        return page;
    }
}
