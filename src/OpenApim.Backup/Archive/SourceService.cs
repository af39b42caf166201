namespace OpenApim.Backup.Archive;

/// <summary>The service a backup was taken from.</summary>
internal sealed record SourceService(string Id, string Name, string Location, string Sku, int Capacity);
