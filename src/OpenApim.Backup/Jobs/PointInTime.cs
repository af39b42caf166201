using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using OpenApim.Resources.Arm;
using OpenApim.Resources.Kinds;

namespace OpenApim.Backup.Jobs;

/// <summary>
/// OpenApim's point-in-time extension of the restore body: <c>"replication": "{service}/{replication}"</c> names the stream
/// (in the container the body names) to restore from instead of a backup blob, with <c>"pointInTime"</c> (an ISO 8601 time)
/// or <c>"journalPosition"</c> (a sequence); with neither, the latest durable point.
/// </summary>
internal static partial class PointInTime
{
    public static ReplayTarget? Parse(JsonObject body)
    {
        var key = body.KeyOf("replication");
        if (key is null || body[key] is null)
        {
            return body.KeyOf("pointInTime") is not null || body.KeyOf("journalPosition") is not null
                ? throw ArmErrors.Validation("replication", "'pointInTime' and 'journalPosition' need 'replication' (\"{service}/{replication}\"): the stream to restore from.")
                : null;
        }

        var problems = new List<ArmErrorDetail>();
        var text = body[key] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
        var match = text is null ? null : StreamName().Match(text);
        if (match is not { Success: true })
        {
            problems.Add(new("ValidationError", "'replication' must be \"{service}/{replication}\": the source service's name and its replication's name.", "replication"));
        }

        DateTimeOffset? time = null;
        if (body.KeyOf("pointInTime") is { } t && body[t] is not null)
        {
            if (body[t] is JsonValue tv && tv.TryGetValue<string>(out var ts) && DateTimeOffset.TryParse(ts, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
            {
                time = parsed.ToUniversalTime();
            }
            else
            {
                problems.Add(new("ValidationError", "'pointInTime' must be an ISO 8601 time, e.g. 2026-12-01T10:02:00Z.", "pointInTime"));
            }
        }

        long? position = null;
        if (body.KeyOf("journalPosition") is { } p && body[p] is not null)
        {
            if (body[p] is JsonValue pv && pv.TryGetValue<long>(out var n) && n >= 0)
            {
                position = n;
            }
            else
            {
                problems.Add(new("ValidationError", "'journalPosition' must be a journal sequence (a non-negative integer).", "journalPosition"));
            }
        }

        if (time is not null && position is not null)
        {
            problems.Add(new("ValidationError", "Give 'pointInTime' or 'journalPosition', not both.", "pointInTime"));
        }

        return problems.Count > 0
            ? throw ArmErrors.Validation(problems)
            : new ReplayTarget(ReplicationKinds.StreamPath(match!.Groups[1].Value, match.Groups[2].Value), time, position);
    }

    public static JsonObject ToJson(ReplayTarget point) => new()
    {
        ["stream"] = point.Stream,
        ["time"] = point.Time is { } t ? Archive.Manifest.Time(t) : null,
        ["position"] = point.Position,
    };

    public static ReplayTarget? FromJson(JsonNode? json) => json is JsonObject o
        ? new ReplayTarget(
            o["stream"]!.GetValue<string>(),
            o["time"] is JsonValue t ? DateTimeOffset.Parse(t.GetValue<string>(), CultureInfo.InvariantCulture) : null,
            o["position"]?.GetValue<long>())
        : null;

    [GeneratedRegex("^([a-zA-Z](?:[a-zA-Z0-9-]{0,48}[a-zA-Z0-9])?)/([A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)$")]
    private static partial Regex StreamName();
}
