using Microsoft.AspNetCore.Identity;
using OpenApim.Resources.Arm;
using OpenApim.Resources.Store;

namespace OpenApim.Identity.Users;

/// <summary>Local user accounts in the directory table, and password sign-in against them.</summary>
internal sealed class UserDirectory(IDirectoryStore store, TimeProvider time)
{
    private static readonly PasswordHasher<UserAccount> Hasher = new();

    /// <summary>A hash to verify against when the user does not exist, so both answers take as long.</summary>
    private static readonly Lazy<string> Decoy = new(() => Hasher.HashPassword(null!, "decoy password nobody has"));

    public async Task<UserAccount?> FindAsync(string userName, CancellationToken ct) =>
        UserName.IsValid(userName) && await store.GetAsync(UserAccount.Kind, userName.ToLowerInvariant(), ct) is { } entry ? UserAccount.FromEntry(entry) : null;

    public async Task<UserAccount> GetAsync(string userName, CancellationToken ct) =>
        await FindAsync(userName, ct) ?? throw ArmErrors.UserNotFound(userName);

    public async Task<IReadOnlyList<UserAccount>> ListAsync(CancellationToken ct) =>
        [.. (await store.ListAsync(UserAccount.Kind, ct)).Select(UserAccount.FromEntry)];

    /// <summary>The account when the password is its own, else null (an unknown user and a wrong password look alike).</summary>
    public async Task<UserAccount?> AuthenticateAsync(string userName, string password, CancellationToken ct)
    {
        var user = await FindAsync(userName, ct);
        if (user is null)
        {
            Hasher.VerifyHashedPassword(null!, Decoy.Value, password);
            return null;
        }

        return Hasher.VerifyHashedPassword(user, user.PasswordHash, password) == PasswordVerificationResult.Failed ? null : user;
    }

    /// <summary>Creates the account (a password is required) or changes its display name and, when given, its password; true when created.</summary>
    public async Task<(UserAccount User, bool Created)> PutAsync(string userName, string displayName, string? password, CancellationToken ct)
    {
        var id = UserName.Require(userName);
        if (await FindAsync(id, ct) is null)
        {
            var created = new UserAccount(id, Guid.NewGuid().ToString(), displayName, Hasher.HashPassword(null!, UserName.RequirePassword(password)), time.GetUtcNow(), Bootstrap: false);
            if (await store.CreateAsync(created.ToEntry(), ct))
            {
                return (created, true);
            }
        }

        var hash = password is null ? null : Hasher.HashPassword(null!, UserName.RequirePassword(password));
        var updated = await store.UpdateAsync(UserAccount.Kind, id, e =>
        {
            var user = UserAccount.FromEntry(e);
            return user.Bootstrap
                ? throw ArmErrors.BootstrapUserProtected(user.UserName)
                : (user with { DisplayName = displayName, PasswordHash = hash ?? user.PasswordHash }).ToEntry();
        }, ct);
        return (updated is null ? throw ArmErrors.UserNotFound(userName) : UserAccount.FromEntry(updated), false);
    }

    /// <summary>Deletes the account and every role assignment of its principal.</summary>
    public async Task<bool> DeleteAsync(string userName, CancellationToken ct)
    {
        var user = await FindAsync(userName, ct);
        if (user is null)
        {
            return false;
        }

        if (user.Bootstrap)
        {
            throw ArmErrors.BootstrapUserProtected(user.UserName);
        }

        await store.DeleteByPrincipalAsync(Access.RoleAssignment.Kind, user.ObjectId, ct);
        return await store.DeleteAsync(UserAccount.Kind, user.UserName, ct);
    }

    /// <summary>Makes the bootstrap user an account whose password is the configured one; former bootstrap users lose the status.</summary>
    public async Task<(UserAccount User, IReadOnlyList<UserAccount> Retired)> EnsureBootstrapAsync(BootstrapUser bootstrap, CancellationToken ct)
    {
        var id = bootstrap.UserName.ToLowerInvariant();
        var existing = await FindAsync(id, ct);
        var hash = existing is not null && Hasher.VerifyHashedPassword(existing, existing.PasswordHash, bootstrap.Password) == PasswordVerificationResult.Success
            ? existing.PasswordHash
            : Hasher.HashPassword(null!, bootstrap.Password);
        var user = new UserAccount(id, existing?.ObjectId ?? Guid.NewGuid().ToString(), "OpenApim administrator", hash, existing?.CreatedDateTime ?? time.GetUtcNow(), Bootstrap: true);
        await store.PutAsync(user.ToEntry(), ct);

        var retired = new List<UserAccount>();
        foreach (var former in (await ListAsync(ct)).Where(u => u.Bootstrap && u.UserName != id))
        {
            // The former bootstrap user keeps its account but not its password: nobody signs in with it until it is given a new one.
            var changed = former with { Bootstrap = false, PasswordHash = Hasher.HashPassword(null!, Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32))) };
            await store.PutAsync(changed.ToEntry(), ct);
            retired.Add(changed);
        }

        return (user, retired);
    }
}
