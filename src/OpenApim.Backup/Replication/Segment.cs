namespace OpenApim.Backup.Replication;

/// <summary>
/// A segment's first line: which stream and generation wrote it, its place in the chain (index, the journal positions it
/// covers, the SHA-256 of the segment before it) and when it was sealed.
/// </summary>
internal sealed record SegmentHeader(string Stream, long Generation, long Index, long From, long Through, string? Previous, DateTimeOffset SealedAt, string SourceId);

/// <summary>
/// One change in a segment: the journal record (sequence, commit time, kind, path below the service, operation) and, for
/// an upsert, the row as it was then, its secret values included (encrypted when the backup key is set). The service's own
/// row has kind <c>service</c> and an empty path; its body is the part a restore applies.
/// </summary>
internal sealed record SegmentRecord(long Sequence, DateTimeOffset At, string Kind, string Path, string Operation, long? Version, string? Body);

/// <summary>A sealed, verified segment.</summary>
internal sealed record Segment(SegmentHeader Header, IReadOnlyList<SegmentRecord> Records, string Sha256);
