namespace OpenApim.Backup.Storage;

/// <summary>
/// A stand-in for a service's managed identity: when the service's identity (<c>system</c>, <c>system:{service}</c>
/// or a user-assigned client id) accesses <see cref="Account"/>, the backup engine uses <see cref="Key"/>.
/// </summary>
public sealed record IdentityGrant(string Identity, string Account, string Key);
