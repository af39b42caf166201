namespace OpenApim.Backup.Storage;

/// <summary>A storage failure with a message that names the account, container or blob involved.</summary>
internal sealed class StorageException(StorageProblem problem, string message, Exception? inner = null) : Exception(message, inner)
{
    public StorageProblem Problem { get; } = problem;
}
