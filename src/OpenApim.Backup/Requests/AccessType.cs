namespace OpenApim.Backup.Requests;

/// <summary>How the service reaches the storage account.</summary>
internal enum AccessType
{
    AccessKey,
    SystemAssignedManagedIdentity,
    UserAssignedManagedIdentity,
}
