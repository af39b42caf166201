namespace OpenApim.Backup.Storage;

/// <summary>What went wrong talking to storage, in terms a user can act on.</summary>
internal enum StorageProblem
{
    ContainerNotFound,
    BlobNotFound,
    AuthenticationFailed,
    AccountNotFound,
    AccountUnreachable,
    StorageError,
}
