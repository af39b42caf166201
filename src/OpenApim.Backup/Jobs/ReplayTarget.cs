namespace OpenApim.Backup.Jobs;

/// <summary>
/// The moment a point-in-time restore goes back to, in one replication stream: a time (every change committed at or before
/// it) or a journal position (every change up to and including that sequence); with neither, the latest durable point.
/// </summary>
internal sealed record ReplayTarget(string Stream, DateTimeOffset? Time, long? Position)
{
    public bool Includes(DateTimeOffset committedAt, long sequence) =>
        (Time is not { } t || committedAt <= t) && (Position is not { } p || sequence <= p);

    public override string ToString() => Time is { } t ? Archive.Manifest.Time(t) : Position is { } p ? $"journal position {p}" : "the latest point";
}

/// <summary>What a replay reached: the archive written, the last change applied (time and sequence), how much it read and how long each part took.</summary>
internal sealed record ReplayResult(Archive.Manifest Manifest, DateTimeOffset ReachedAt, long ReachedPosition, long BaseIndex, int Segments, long Records)
{
    public long ListMs { get; init; }

    public long BaseMs { get; init; }

    public long SegmentsMs { get; init; }

    public long WriteMs { get; init; }
}

/// <summary>
/// Rebuilds a service as it was at a moment into an archive file, from a replication stream in the target container; for an
/// undelete, only the given entity subtrees (top-level paths such as <c>apis/orders</c>), reading only their parts.
/// </summary>
internal interface IPointInTimeReplay
{
    Task<ReplayResult> WriteArchiveAsync(Storage.IBlobTarget target, Resources.Arm.ServiceRef service, ReplayTarget point, string file, IReadOnlyList<string>? only, CancellationToken ct);
}
