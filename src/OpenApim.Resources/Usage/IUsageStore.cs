namespace OpenApim.Resources.Usage;

public interface IUsageStore
{
    /// <summary>Adds the records to the stored aggregates (the same dimensions and minute add up).</summary>
    Task AddAsync(IReadOnlyCollection<UsageRecord> records, CancellationToken ct);

    /// <summary>The records of a service between two minutes (inclusive).</summary>
    Task<IReadOnlyList<UsageRecord>> QueryAsync(string serviceKey, long fromMinute, long toMinute, CancellationToken ct);
}
