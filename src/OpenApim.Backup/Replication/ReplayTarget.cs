namespace OpenApim.Backup.Replication;

/// <summary>
/// The moment a point-in-time restore goes back to, in one stream: a time (every change committed at or before it) or a
/// journal position (every change up to and including that sequence), whichever is given.
/// </summary>
internal sealed record ReplayTarget(string Stream, DateTimeOffset? Time, long? Position)
{
    public bool Includes(SegmentRecord record) =>
        (Time is not { } t || record.At <= t) && (Position is not { } p || record.Sequence <= p);

    public bool Allows(BaseRef b, DateTimeOffset? takenAt) =>
        (Position is not { } p || b.Position <= p) && (Time is not { } t || (takenAt is { } at && at <= t));

    public override string ToString() => Time is { } t ? $"{Archive.Manifest.Time(t)}" : $"journal position {Position}";
}
