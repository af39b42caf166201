using OpenApim.Resources.Arm;

namespace OpenApim.Resources.Store.Journal;

/// <summary>Reads the change journal every store write appends to in its own transaction.</summary>
public interface IChangeJournal
{
    /// <summary>Up to <paramref name="max"/> records after <paramref name="after"/>, in sequence order; of one service, or (null) of the deployment.</summary>
    Task<IReadOnlyList<JournalEntry>> ReadAsync(ServiceRef? service, long after, int max, CancellationToken ct);

    /// <summary>The sequence of the last committed record (0 when the journal is empty).</summary>
    Task<long> LastSequenceAsync(CancellationToken ct);
}
