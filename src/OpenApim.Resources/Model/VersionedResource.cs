namespace OpenApim.Resources.Model;

/// <summary>A row with its version (the store's change sequence when it was last written).</summary>
public sealed record VersionedResource(RawResource Row, long Version);
