using OpenApim.Resources.Arm;

namespace OpenApim.Resources.Store.Journal;

/// <summary>Reads the change journal every store write appends to in its own transaction.</summary>
public interface IChangeJournal
{
    /// <summary>
    /// Up to <paramref name="max"/> records after <paramref name="after"/>, in sequence order, of one service or (null) of the
    /// deployment, and the compaction floor: a reader whose position is below <see cref="JournalTail.TrimmedThrough"/> missed
    /// records and must start over.
    /// </summary>
    Task<JournalTail> ReadAsync(ServiceRef? service, long after, int max, CancellationToken ct);

    /// <summary>
    /// Records whose service key (a service's, or a directory resource's id) is at or under <paramref name="servicePrefix"/>
    /// (a subscription or resource group, lower case; keys that merely sort in between, such as <c>rg-x</c> for <c>rg</c>,
    /// come too and are the caller's to drop) written between <paramref name="since"/> and <paramref name="until"/>, newest first, before sequence
    /// <paramref name="before"/> (paging), at most <paramref name="max"/>.
    /// </summary>
    Task<IReadOnlyList<JournalEntry>> ReadNewestAsync(string servicePrefix, DateTimeOffset since, DateTimeOffset until, long before, int max, CancellationToken ct);

    /// <summary>Records that <paramref name="reader"/> (a gateway node, a shipper) has applied everything up to <paramref name="position"/>; compaction keeps what it still needs.</summary>
    Task ReportPositionAsync(string reader, long position, CancellationToken ct);

    /// <summary>Deletes the records <paramref name="retention"/> no longer keeps and no live reader still needs.</summary>
    Task<JournalCompaction> CompactAsync(JournalRetention retention, CancellationToken ct);

    /// <summary>The sequence of the last committed record (0 when the journal is empty).</summary>
    Task<long> LastSequenceAsync(CancellationToken ct);
}
