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
