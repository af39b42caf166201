namespace OpenApim.Backup.Storage;

/// <summary>A storage account served from the local-folder blob target.</summary>
public sealed record LocalAccount(string Name, string Key);
