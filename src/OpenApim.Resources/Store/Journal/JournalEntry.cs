using System.Text.Json.Nodes;

namespace OpenApim.Resources.Store.Journal;

/// <summary>
/// One committed change. <see cref="Sequence"/> is deployment-wide, gap-free and in commit order. <see cref="ServiceId"/> is
/// null for deployment-level changes (app registrations, role assignments), whose <see cref="Kind"/> is the directory kind.
/// </summary>
public sealed record JournalEntry(
    long Sequence, string? ServiceId, string Kind, string RelativeId, string Operation, JsonObject? Body, long? Version, DateTimeOffset At, ChangeActor? Actor);

/// <summary>A change recorded in a write transaction, before the commit gives it its sequence.</summary>
public sealed record PendingChange(string? ServiceKey, string? ServiceId, string Kind, string RelativeId, string Operation, JsonObject? Body, long? Version);

/// <summary>Records read from the journal, and the sequence up to which records were deleted by compaction (0 when none).</summary>
public sealed record JournalTail(IReadOnlyList<JournalEntry> Entries, long TrimmedThrough);

/// <summary>How long and how much of the journal is kept, and how long a reader that stopped reporting still pins records.</summary>
public sealed record JournalRetention(TimeSpan MaxAge, long MaxBytes, TimeSpan ReaderTimeout);

/// <summary>What a compaction did: records deleted, the new floor, the size left, the oldest live reader's position (null: none).</summary>
public sealed record JournalCompaction(long Deleted, long TrimmedThrough, long Bytes, long? PinnedAt);
