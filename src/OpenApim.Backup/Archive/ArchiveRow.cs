namespace OpenApim.Backup.Archive;

/// <summary>
/// One entity in an archive part: its path below the service (e.g. <c>apis/orders/operations/get</c>,
/// in its original casing), timestamps, and the stored document (<c>{"properties":{...}}</c>) as JSON text.
/// </summary>
internal sealed record ArchiveRow(string Path, DateTimeOffset Created, DateTimeOffset Updated, string Body, string? DisplayName);
