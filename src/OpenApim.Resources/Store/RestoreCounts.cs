namespace OpenApim.Resources.Store;

/// <summary>Rows deleted and inserted by a restore, and the version its rows (and its journal record) carry.</summary>
public sealed record RestoreCounts(long Deleted, long Inserted, long Epoch, long Version);
