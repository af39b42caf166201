using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using OpenApim.Http;
using OpenApim.Management.Services;
using OpenApim.Resources.Arm;
using OpenApim.Resources.Store.Journal;

namespace OpenApim.Management.Changes;

/// <summary>
/// <c>GET {service}/changes?from={sequence}</c> (an OpenApim extension): the service's journal after a sequence, oldest
/// first, with who made each change; rows without their secrets. Page with <c>nextLink</c> (or <c>from</c> = the last
/// sequence seen); an empty page means caught up. <c>from=0</c> starts at the oldest record kept; a <c>from</c> that compaction
/// has passed answers <c>410 ChangesCompacted</c>, never a silent gap.
/// </summary>
internal sealed class ChangeFeedEndpoints(IChangeJournal journal, ServiceReader services)
{
    private const int DefaultTop = 100;
    private const int MaxTop = 1000;

    public static void Map(RouteGroupBuilder services) =>
        services.MapGet("/{serviceName}/changes", (HttpContext c, string subscriptionId, string resourceGroup, string serviceName, ChangeFeedEndpoints h) =>
            h.ListAsync(c, ServiceRef.Parse(subscriptionId, resourceGroup, serviceName)));

    private async Task ListAsync(HttpContext c, ServiceRef service)
    {
        await services.RequireAsync(service, c.RequestAborted);
        var from = Number(c.Request.Query("from"), "from", 0, long.MaxValue) ?? 0;
        var top = (int)(Number(c.Request.Query("$top"), "$top", 1, MaxTop) ?? DefaultTop);
        var (entries, trimmed) = await journal.ReadAsync(service, from, top, c.RequestAborted);
        if (from > 0 && from < trimmed)
        {
            // The records after 'from' that compaction removed are unknown: a follower must start over (full read, then from=lastSequence).
            throw ArmErrors.ChangesCompacted(from, trimmed);
        }

        var body = new JsonObject
        {
            ["value"] = new JsonArray([.. entries.Select(e => (JsonNode)Render(service, e))]),
            ["lastSequence"] = entries.Count > 0 ? entries[^1].Sequence : from,
        };
        if (entries.Count == top)
        {
            body["nextLink"] = $"{c.Request.BaseUrl()}{service.Id}/changes?from={entries[^1].Sequence}&$top={top}&api-version={c.ApiVersion()}";
        }

        await c.Response.JsonAsync(200, body);
    }

    /// <summary>One record: what changed (ARM id), how, when, by whom, and for an upsert the resulting properties without secrets.</summary>
    public static JsonObject Render(ServiceRef service, JournalEntry e)
    {
        var entry = new JsonObject
        {
            ["sequence"] = e.Sequence,
            ["operation"] = e.Operation,
            ["resourceId"] = e.RelativeId.Length == 0 ? service.Id : $"{service.Id}/{e.RelativeId}",
            ["kind"] = e.Kind,
            ["eTag"] = e.Version is { } v ? ETag.FromVersion(v) : null,
            ["time"] = e.At.ToString("O", CultureInfo.InvariantCulture),
            ["caller"] = e.Actor is { } a
                ? new JsonObject { ["objectId"] = a.ObjectId, ["appId"] = a.AppId, ["clientAddress"] = a.ClientAddress, ["requestId"] = a.RequestId }
                : null,
        };
        if (e.Operation == ChangeOperation.Restore && e.Body is { } counts)
        {
            entry["restore"] = counts.DeepClone();
        }
        else if (e.Body?["properties"] is JsonObject properties)
        {
            entry["properties"] = properties.DeepClone();
        }

        return entry;
    }

    private static long? Number(string? text, string name, long min, long max) =>
        text is null ? null
        : long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max ? n
        : throw ArmErrors.Validation(name, $"'{name}' must be a whole number from {min} to {max}.");
}
