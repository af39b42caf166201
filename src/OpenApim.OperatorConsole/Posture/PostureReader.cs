using System.Globalization;
using System.Text.Json.Nodes;
using OpenApim.OperatorConsole.Arm;
using OpenApim.OperatorConsole.Records;

namespace OpenApim.OperatorConsole.Posture;

/// <summary>
/// Reads every service the user can see and its recovery posture through ARM, a handful of calls per service made in
/// parallel: entity counts (lists of one item carry the total), the newest backup operation, schedules and
/// replications with their live status.
/// </summary>
public static class PostureReader
{
    /// <summary>The addresses of every service the user can see, by name.</summary>
    public static async Task<List<ServiceAddress>> AddressesAsync(ArmConnection arm, CancellationToken ct) =>
        [.. (await ServicesAsync(arm, ct)).Select(s => ServiceAddress.TryParseId(PostureText(s["id"]), out var a) ? a : null).OfType<ServiceAddress>()];

    public static async Task<List<JsonNode>> ServicesAsync(ArmConnection arm, CancellationToken ct)
    {
        var services = new List<JsonNode>();
        foreach (var subscription in await arm.ListAsync("/subscriptions", 1000, ct))
        {
            var id = PostureText(subscription["subscriptionId"]);
            if (Guid.TryParse(id, out _))
            {
                services.AddRange(await arm.ListAsync($"/subscriptions/{id}/providers/Microsoft.ApiManagement/service", 10_000, ct));
            }
        }

        return [.. services.OrderBy(s => PostureText(s["name"]), StringComparer.OrdinalIgnoreCase)];
    }

    /// <summary>Every service's posture, four services at a time (each is a handful of calls), in the order given.</summary>
    public static async Task<List<ServicePosture>> ReadAllAsync(ArmConnection arm, IReadOnlyList<JsonNode> services, IReadOnlyList<DrillSummary> drills,
        IReadOnlyDictionary<string, Verification> verifications, CancellationToken ct)
    {
        var postures = new ServicePosture?[services.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, services.Count), new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = ct },
            async (i, token) => postures[i] = await ReadAsync(arm, services[i], drills, verifications, token));
        return [.. postures.OfType<ServicePosture>()];
    }

    /// <summary>Like <see cref="ReadAsync(ArmConnection, JsonNode, IReadOnlyList{DrillSummary}, IReadOnlyDictionary{string, Verification}, CancellationToken)"/> for
    /// several services; null for a malformed id. One service the management API cannot answer for is listed with what is known.</summary>
    public static async Task<ServicePosture?> ReadAsync(ArmConnection arm, JsonNode service, IReadOnlyList<DrillSummary> drills,
        IReadOnlyDictionary<string, Verification> verifications, CancellationToken ct)
    {
        if (!ServiceAddress.TryParseId(PostureText(service["id"]), out var address))
        {
            return null;
        }

        try
        {
            return await ReadKnownAsync(arm, service, address, drills, verifications, ct);
        }
        catch (Exception e) when (e is HttpRequestException or ArmRefusedException || (e is TaskCanceledException && !ct.IsCancellationRequested))
        {
            return new ServicePosture(address, PostureText(service["sku"]?["name"]), PostureText(service["location"]), [], null, null, null, null, RecoveryTarget.Of(service), null, [], [], null, null);
        }
    }

    private static async Task<ServicePosture> ReadKnownAsync(ArmConnection arm, JsonNode service, ServiceAddress address, IReadOnlyList<DrillSummary> drills,
        IReadOnlyDictionary<string, Verification> verifications, CancellationToken ct)
    {
        var apis = CountAsync(arm, $"{address.Id}/apis", ct);
        var products = CountAsync(arm, $"{address.Id}/products", ct);
        var subscriptions = CountAsync(arm, $"{address.Id}/subscriptions", ct);
        var operations = arm.GetAsync($"{address.Id}/operations", ct);
        var schedules = StatusesAsync(arm, $"{address.Id}/backupSchedules", ct);
        var replications = StatusesAsync(arm, $"{address.Id}/replications", ct);
        await Task.WhenAll(apis, products, subscriptions, operations, schedules, replications);

        var backups = ((await operations).Body?["value"]?.AsArray() ?? []).OfType<JsonObject>().Where(o => PostureText(o["kind"]) == "backup").ToList();
        var newest = backups.FirstOrDefault();
        var lastBackup = newest is null ? null : new LastBackup(
            PostureText(newest["properties"]?["backupName"]) is { Length: > 0 } n ? n : null,
            Time(newest["endTime"]) ?? Time(newest["startTime"]),
            PostureText(newest["status"]),
            newest["error"] is JsonObject e ? $"{PostureText(e["code"])}: {PostureText(e["message"])}" : null);

        var points = new List<RecoveryPoint>();
        if (backups.FirstOrDefault(o => PostureText(o["status"]) == "Succeeded") is { } good && (Time(good["properties"]?["snapshot"]?["takenAt"]) ?? Time(good["endTime"])) is { } goodAt)
        {
            points.Add(new RecoveryPoint(goodAt, $"backup {PostureText(good["properties"]?["backupName"])}"));
        }

        var scheduleStates = new List<ScheduleState>();
        foreach (var s in await schedules)
        {
            var status = s["properties"]?["status"];
            scheduleStates.Add(new ScheduleState(PostureText(s["name"]), Time(status?["nextRunAt"]), PostureText(status?["lastResult"]) is { Length: > 0 } r ? r : null));
            if (Time(status?["newestGoodBackupAt"]) is { } at)
            {
                points.Add(new RecoveryPoint(at, $"schedule {PostureText(s["name"])}: {PostureText(status?["newestGoodBackup"])}"));
            }
        }

        var replicationStates = new List<ReplicationState>();
        foreach (var r in await replications)
        {
            var status = r["properties"]?["status"];
            var mode = PostureText(r["properties"]?["mode"]);
            var lag = status?["lagSeconds"] is JsonValue l && l.TryGetValue<double>(out var seconds) ? seconds : (double?)null;
            replicationStates.Add(new ReplicationState(PostureText(r["name"]), mode, PostureText(status?["state"]), lag));
            if (Time(status?["recoveryPoint"]) is { } at)
            {
                points.Add(new RecoveryPoint(at, $"replication {PostureText(r["name"])}"));
            }
        }

        var hostnames = (service["properties"]?["hostnameConfigurations"]?.AsArray() ?? []).Select(h => PostureText(h?["hostName"])).Where(h => h.Length > 0).ToList();
        if (hostnames.Count == 0 && PostureText(service["properties"]?["gatewayUrl"]) is { Length: > 0 } gateway && Uri.TryCreate(gateway, UriKind.Absolute, out var g))
        {
            hostnames.Add(g.Host);
        }

        return new ServicePosture(
            address,
            PostureText(service["sku"]?["name"]),
            PostureText(service["location"]),
            hostnames,
            await apis, await products, await subscriptions,
            points.MaxBy(p => p.At),
            RecoveryTarget.Of(service),
            lastBackup,
            replicationStates,
            scheduleStates,
            drills.FirstOrDefault(d => string.Equals(d.PrimaryId, address.Id, StringComparison.OrdinalIgnoreCase) || string.Equals(d.StandbyId, address.Id, StringComparison.OrdinalIgnoreCase)),
            verifications.TryGetValue(address.Id, out var v) ? v : null);
    }

    /// <summary>The total of a collection, from a page of one item; null when it cannot be read.</summary>
    public static async Task<long?> CountAsync(ArmConnection arm, string collection, CancellationToken ct)
    {
        var reply = await arm.GetAsync($"{collection}?$top=1", ct);
        return reply.Ok && reply.Body?["count"] is JsonValue v && v.TryGetValue<long>(out var count) ? count : null;
    }

    /// <summary>Each entity of a collection read singly, because the status is part of a single GET only.</summary>
    private static async Task<List<JsonNode>> StatusesAsync(ArmConnection arm, string collection, CancellationToken ct)
    {
        var list = await arm.GetAsync(collection, ct);
        var names = (list.Body?["value"]?.AsArray() ?? []).Select(e => PostureText(e?["name"])).Where(n => n.Length > 0).Take(10);
        var replies = await Task.WhenAll(names.Select(n => arm.GetAsync($"{collection}/{Uri.EscapeDataString(n)}", ct)));
        return [.. replies.Where(r => r.Ok && r.Body is not null).Select(r => r.Body!)];
    }

    public static DateTimeOffset? Time(JsonNode? node) =>
        DateTimeOffset.TryParse(PostureText(node), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at : null;

    private static string PostureText(JsonNode? node) => ServicePosture.Text(node);
}
