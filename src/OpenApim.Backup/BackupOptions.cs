using OpenApim.Backup.Jobs;
using OpenApim.Backup.Storage;

namespace OpenApim.Backup;

/// <summary>Settings of the backup engine: where archives go, and how the jobs write and read them.</summary>
public sealed record BackupOptions(StorageOptions Storage, JobOptions Jobs);
