using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Hosting;
using OpenApim.OperatorConsole.Arm;

namespace OpenApim.OperatorConsole.Live;

/// <summary>
/// Live progress of a long-running operation as server-sent events: the console follows the operation's ARM status
/// document with the user's token and sends a <c>progress</c> event whenever it changes, then one <c>done</c> event.
/// The page's script only listens; it never polls.
/// </summary>
internal static class OperationEvents
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan Longest = TimeSpan.FromHours(2);

    public static void Map(RouteGroupBuilder group)
    {
        group.MapGet("/drills/{id}", async (HttpContext c, string id, Drills.DrillRunner drills, ManagementApi api, TimeProvider time, IHostApplicationLifetime lifetime) =>
        {
            // A drill's steps are shown to whoever may read its primary, as its page is.
            if (drills.Find(id) is not { } drill || await api.ForAsync(c) is not { } arm || !(await arm.GetAsync(drill.Primary.Id, c.RequestAborted)).Ok)
            {
                return Results.NotFound();
            }

            return TypedResults.ServerSentEvents(FollowAsync(drill, time, Until(c, lifetime)));
        });
        group.MapGet("/operations/{subscription}/{group}/{service}/{id}", async (HttpContext c, string subscription, string group, string service, string id, ManagementApi api, TimeProvider time, IHostApplicationLifetime lifetime) =>
        {
            if (!ServiceAddress.TryCreate(subscription, group, service, out var address) || OperationAddress.Create(address, id) is not { } operation)
            {
                return Results.NotFound();
            }

            var arm = await api.ForAsync(c);
            return arm is null ? Results.Unauthorized() : TypedResults.ServerSentEvents(FollowAsync(arm, operation, time, Until(c, lifetime)));
        });
    }

    /// <summary>A drill's steps as they start and end, then one <c>done</c> event with the verdict.</summary>
    private static async IAsyncEnumerable<SseItem<string>> FollowAsync(Drills.RunningDrill drill, TimeProvider time, [EnumeratorCancellation] CancellationToken ct)
    {
        var started = time.GetUtcNow();
        string? last = null;
        while (!ct.IsCancellationRequested)
        {
            if (time.GetUtcNow() - started > Longest)
            {
                yield return new SseItem<string>(new JsonObject { ["status"] = "TimedOut", ["error"] = "The drill has not ended after two hours; reload the page." }.ToJsonString(), "done");
                yield break;
            }

            var steps = new JsonArray([.. drill.Timeline.Steps.Select(s => (JsonNode)$"{s.Name}: {(s.State == "running" ? "running…" : $"{s.Seconds} s{(s.State == "failed" ? " (failed)" : "")}")}")]);
            var result = drill.Result;
            var doc = new JsonObject
            {
                ["status"] = result is null ? "InProgress" : result["passed"]?.GetValue<bool>() == true ? "Passed" : "Failed",
                ["steps"] = steps,
            };
            var text = doc.ToJsonString();
            if (result is not null)
            {
                yield return new SseItem<string>(text, "done");
                yield break;
            }

            if (text != last)
            {
                yield return new SseItem<string>(text, "progress");
                last = text;
            }

            await Task.Delay(Interval, time, ct);
        }
    }

    private static async IAsyncEnumerable<SseItem<string>> FollowAsync(ArmConnection arm, OperationAddress operation, TimeProvider time, [EnumeratorCancellation] CancellationToken ct)
    {
        var started = time.GetUtcNow();
        string? last = null;
        while (!ct.IsCancellationRequested)
        {
            var reply = await arm.GetAsync(operation.Status, ct);
            var doc = reply.Ok && reply.Body is JsonObject body ? Summary(body) : new JsonObject { ["status"] = "Unknown", ["error"] = reply.Error?.ToString() };
            var text = doc.ToJsonString();
            var status = doc["status"]?.GetValue<string>();
            if (status is not "InProgress")
            {
                yield return new SseItem<string>(text, "done");
                yield break;
            }

            if (text != last)
            {
                yield return new SseItem<string>(text, "progress");
                last = text;
            }

            if (time.GetUtcNow() - started > Longest)
            {
                yield return new SseItem<string>(new JsonObject { ["status"] = "TimedOut", ["error"] = "Still running after two hours; reload the page to follow it again." }.ToJsonString(), "done");
                yield break;
            }

            await Task.Delay(Interval, time, ct);
        }
    }

    /// <summary>A stream ends when the browser goes away or the server stops, whichever comes first.</summary>
    private static CancellationToken Until(HttpContext c, IHostApplicationLifetime lifetime)
    {
        var linked = CancellationTokenSource.CreateLinkedTokenSource(c.RequestAborted, lifetime.ApplicationStopping);
        c.Response.RegisterForDispose(linked);
        return linked.Token;
    }

    /// <summary>What the page shows: status, phase, rows so far, and the error when it failed.</summary>
    private static JsonObject Summary(JsonObject status) => new()
    {
        ["status"] = status["status"]?.DeepClone(),
        ["phase"] = status["progress"]?["phase"]?.DeepClone(),
        ["rows"] = status["progress"]?["rows"]?.DeepClone(),
        ["startTime"] = status["startTime"]?.DeepClone(),
        ["endTime"] = status["endTime"]?.DeepClone(),
        ["error"] = status["error"] is JsonObject e ? $"{e["code"]}: {e["message"]}" : null,
    };
}
