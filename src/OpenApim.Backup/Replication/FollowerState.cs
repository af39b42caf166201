using System.Globalization;
using System.Text.Json.Nodes;

namespace OpenApim.Backup.Replication;

/// <summary>
/// How far a standby has applied the stream it follows, kept in its replication resource (<c>properties.follower</c>) and
/// written in the same transaction as the changes it applied: a standby killed while applying resumes exactly there.
/// </summary>
internal sealed record FollowerState(long BaseIndex, long NextIndex, long Position, string? Previous, bool NeedsBase, DateTimeOffset? AppliedThrough, long Records)
{
    public JsonObject ToJson() => new()
    {
        ["baseIndex"] = BaseIndex,
        ["nextSegment"] = NextIndex,
        ["journalPosition"] = Position,
        ["previousSha256"] = Previous,
        ["needsBase"] = NeedsBase,
        ["appliedThrough"] = AppliedThrough is { } t ? Archive.Manifest.Time(t) : null,
        ["recordsApplied"] = Records,
    };

    public static FollowerState? FromJson(JsonNode? json) => json is JsonObject o && o["nextSegment"] is not null
        ? new FollowerState(
            o["baseIndex"]!.GetValue<long>(),
            o["nextSegment"]!.GetValue<long>(),
            o["journalPosition"]!.GetValue<long>(),
            o["previousSha256"]?.GetValue<string>(),
            o["needsBase"]?.GetValue<bool>() ?? false,
            o["appliedThrough"] is JsonValue t ? DateTimeOffset.Parse(t.GetValue<string>(), CultureInfo.InvariantCulture) : null,
            o["recordsApplied"]?.GetValue<long>() ?? 0)
        : null;
}
