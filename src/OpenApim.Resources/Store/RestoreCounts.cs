namespace OpenApim.Resources.Store;

/// <summary>Rows deleted and inserted by a restore.</summary>
public sealed record RestoreCounts(long Deleted, long Inserted, long Epoch);
