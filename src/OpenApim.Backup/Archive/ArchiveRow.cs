namespace OpenApim.Backup.Archive;

/// <summary>
/// One entity in an archive part: its path below the service (e.g. <c>apis/orders/operations/get</c>,
/// in its original casing), timestamps, and the stored document (<c>{"properties":{...}}</c>) as JSON text.
/// </summary>
internal sealed record ArchiveRow(string Path, DateTimeOffset Created, DateTimeOffset Updated, string Body, string? DisplayName);

/// <summary>File names of archive parts.</summary>
internal static class PartNames
{
    public const string Service = "service.json";

    /// <summary><c>apis/operations</c> → <c>parts/apis.operations.ndjson</c>.</summary>
    public static string For(string kind) => $"parts/{kind.Replace('/', '.')}.ndjson";
}
