using System.Globalization;
using System.Text.Json.Nodes;

namespace OpenApim.Drills;

/// <summary>
/// Proves recovery: back up the primary (or take the newest good backup of it, or a named one, or promote a standby that
/// follows it), restore into the standby (created with the primary's SKU when missing), compare every entity, send smoke
/// requests with a real subscription key through both gateways, and report the recovery point (the age of what was
/// restored when the standby served it) and the recovery time (start to the standby serving). A failed step, a
/// difference or a failed smoke request fails the drill, and the result says which.
/// </summary>
public sealed class DrillEngine(IDrillArm arm, HttpClient gateways, TimeProvider time)
{
    private static readonly TimeSpan SmokeDeadline = TimeSpan.FromSeconds(30);

    public async Task<JsonObject> RunAsync(DrillPlan plan, DrillTimeline timeline, CancellationToken ct)
    {
        string? backupName = null;
        DateTimeOffset? snapshotAt = null;
        DateTimeOffset? restoredAt = null;
        List<string> differences = [];
        (List<SmokeRequest> Requests, string? Why) smoke = ([], null);
        DrillStepException? failure = null;
        try
        {
            var primaryService = await timeline.StepAsync("read the primary", () => arm.GetAsync(plan.Primary, ct));
            if (plan.Promote)
            {
                // The standby already holds everything durable from the stream: promoting it is the failover.
                var promoted = await timeline.StepAsync("promote the standby", () => arm.RunAsync($"{plan.Standby}/promote", new JsonObject(), ct));
                restoredAt = time.GetUtcNow();
                snapshotAt = Time(promoted?["recoveryPoint"]);
            }
            else
            {
                backupName = await BackUpAsync(plan, timeline, primaryService, ct);
                await EnsureStandbyAsync(plan, timeline, primaryService, ct);
                var restoreBody = (JsonObject)plan.Storage.DeepClone();
                restoreBody["backupName"] = backupName;
                var restored = await timeline.StepAsync("restore into the standby", () => arm.RunAsync($"{plan.Standby}/restore", restoreBody, ct));
                restoredAt = time.GetUtcNow();
                snapshotAt = Time(restored?["snapshot"]?["takenAt"]);
            }

            differences = await timeline.StepAsync("compare every entity", async () =>
            {
                var (before, after) = (await ServiceSnapshot.ReadAsync(arm, plan.Primary, ct), await ServiceSnapshot.ReadAsync(arm, plan.Standby, ct));
                timeline.Note($"{before.Count} entities on the primary, {after.Count} on the standby");
                return before.Differences(after);
            });

            var standbyService = await arm.GetAsync(plan.Standby, ct);
            smoke = await timeline.StepAsync("smoke-test the standby's gateway", () => SmokeAsync(plan, primaryService, standbyService, ct));
        }
        catch (DrillStepException e)
        {
            // A step failed (the backup, the restore, ...): the drill failed, and says so in its result like any other finding.
            failure = e;
        }

        var servedAt = time.GetUtcNow();
        var serving = smoke.Requests.Count > 0 && smoke.Requests.All(r => r.Passed);
        var passed = failure is null && differences.Count == 0 && (serving || smoke.Requests.Count == 0);
        return new JsonObject
        {
            ["passed"] = passed,
            ["primary"] = plan.Primary,
            ["standby"] = plan.Standby,
            ["backupName"] = backupName,
            ["startedAt"] = timeline.Started.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture),
            ["snapshotTakenAt"] = snapshotAt?.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture),
            ["recoveryPointSeconds"] = failure is null && snapshotAt is { } at ? Math.Round((servedAt - at).TotalSeconds, 3) : null,
            ["recoveryTimeSeconds"] = failure is null ? Math.Round(timeline.Elapsed.TotalSeconds, 3) : null,
            ["restoreSeconds"] = restoredAt is { } done ? Math.Round((done - timeline.Started).TotalSeconds, 3) : null,
            ["differences"] = new JsonArray([.. differences.Select(d => (JsonNode)d)]),
            ["smoke"] = new JsonArray([.. smoke.Requests.Select(r => (JsonNode)new JsonObject
            {
                ["api"] = r.Api, ["method"] = r.Method, ["path"] = r.Path, ["primaryStatus"] = r.PrimaryStatus, ["standbyStatus"] = r.StandbyStatus, ["passed"] = r.Passed, ["detail"] = r.Detail,
            })]),
            ["smokeNote"] = smoke.Why,
            ["error"] = failure is null ? null : new JsonObject { ["code"] = failure.Code, ["message"] = failure.Message },
            ["timeline"] = timeline.ToJson(),
        };
    }

    /// <summary>Why a result did not pass, in one line; null when it passed.</summary>
    public static string? Why(JsonObject result)
    {
        if (result["passed"]?.GetValue<bool>() == true)
        {
            return null;
        }

        var differences = result["differences"]!.AsArray();
        return result["error"] is JsonObject error ? $"{error["code"]}: {error["message"]}"
            : differences.Count > 0 ? $"DrillFailed: {differences.Count} differences, first: {differences[0]}"
            : "DrillFailed: a smoke request failed: " + result["smoke"]!.AsArray().FirstOrDefault(r => r?["passed"]?.GetValue<bool>() == false)?["detail"];
    }

    private static DateTimeOffset? Time(JsonNode? node) =>
        node is JsonValue v && v.TryGetValue<string>(out var text) && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at : null;

    /// <summary>What to restore: a new backup of the primary, the newest good one in the container, or the one named.</summary>
    private async Task<string> BackUpAsync(DrillPlan plan, DrillTimeline timeline, JsonNode primaryService, CancellationToken ct)
    {
        if (plan.FindNewest is { } find)
        {
            var id = primaryService["id"]?.GetValue<string>() ?? "/" + plan.Primary.TrimStart('/');
            return await timeline.StepAsync("find the newest good backup", () => find(id, ct));
        }

        if (plan.BackupName is { } named)
        {
            return named;
        }

        var name = $"drill-{plan.Primary.Split('/')[^1]}-{time.GetUtcNow().ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture)}.apimbackup";
        var body = (JsonObject)plan.Storage.DeepClone();
        body["backupName"] = name;
        await timeline.StepAsync("back up the primary", () => arm.RunAsync($"{plan.Primary}/backup", body, ct));
        return name;
    }

    /// <summary>The standby, created with the primary's SKU (and its location unless told otherwise) when it does not exist.</summary>
    private async Task EnsureStandbyAsync(DrillPlan plan, DrillTimeline timeline, JsonNode primaryService, CancellationToken ct)
    {
        if (await arm.FindAsync(plan.Standby, ct) is not null)
        {
            return;
        }

        await timeline.StepAsync("create the standby", async () =>
        {
            await arm.CreateAsync(plan.Standby, new JsonObject
            {
                ["location"] = plan.StandbyLocation ?? primaryService["location"]?.GetValue<string>(),
                ["sku"] = primaryService["sku"]?.DeepClone(),
                ["properties"] = new JsonObject
                {
                    ["publisherEmail"] = primaryService["properties"]?["publisherEmail"]?.DeepClone(),
                    ["publisherName"] = primaryService["properties"]?["publisherName"]?.DeepClone(),
                },
            }, ct);
            return true;
        });
    }

    /// <summary>Smoke requests through the standby's gateway with a real key, retried while the gateway picks the restore up.</summary>
    private async Task<(List<SmokeRequest> Requests, string? Why)> SmokeAsync(DrillPlan plan, JsonNode primaryService, JsonNode standbyService, CancellationToken ct)
    {
        var smokePlan = await SmokeTest.PlanAsync(arm, plan.Primary, ct);
        if (smokePlan.Requests.Count == 0)
        {
            return ([], $"no smoke request: {smokePlan.Why}");
        }

        var standbyGateway = plan.StandbyGateway ?? standbyService["properties"]?["gatewayUrl"]?.GetValue<string>()
            ?? throw new DrillStepException("NoGateway", "The standby has no gatewayUrl: name the standby's gateway.");
        var primaryGateway = plan.PrimaryGateway ?? primaryService["properties"]?["gatewayUrl"]?.GetValue<string>();
        var started = time.GetTimestamp();
        while (true)
        {
            var results = new List<SmokeRequest>();
            foreach (var request in smokePlan.Requests)
            {
                results.Add(await SmokeTest.SendAsync(gateways, primaryGateway, standbyGateway, smokePlan.Key, request, ct));
            }

            if (results.All(r => r.Passed) || time.GetElapsedTime(started) > SmokeDeadline)
            {
                return (results, null);
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250), time, ct);
        }
    }
}
