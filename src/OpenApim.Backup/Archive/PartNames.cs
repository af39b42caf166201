namespace OpenApim.Backup.Archive;

/// <summary>File names of archive parts.</summary>
internal static class PartNames
{
    public const string Service = "service.json";

    /// <summary><c>apis/operations</c> → <c>parts/apis.operations.ndjson</c>.</summary>
    public static string For(string kind) => $"parts/{kind.Replace('/', '.')}.ndjson";
}
