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

    /// <summary>The account (found with <see cref="FindAsync"/>) when the password is its own, else null; an unknown user takes as long as a wrong password.</summary>
    public static UserAccount? Verify(UserAccount? user, string password)
    {
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

    /// <summary>
    /// Makes the bootstrap user an account whose password is the configured one; former bootstrap users lose the status.
    /// Safe for several nodes starting at once: the account is created once (its object id, which the Owner assignment
    /// names, never changes afterwards) and changed under its row lock.
    /// </summary>
    public async Task<(UserAccount User, IReadOnlyList<UserAccount> Retired)> EnsureBootstrapAsync(BootstrapUser bootstrap, CancellationToken ct)
    {
        var id = bootstrap.UserName.ToLowerInvariant();
        // A start with the account in place (every start but the first) verifies the password once and hashes nothing.
        var created = await FindAsync(id, ct) is null && await store.CreateAsync(
            new UserAccount(id, Guid.NewGuid().ToString(), "OpenApim administrator", Hasher.HashPassword(null!, bootstrap.Password), time.GetUtcNow(), Bootstrap: true).ToEntry(), ct);
        if (!created)
        {
            _ = await store.UpdateAsync(UserAccount.Kind, id, e =>
            {
                var user = UserAccount.FromEntry(e);
                var same = Hasher.VerifyHashedPassword(user, user.PasswordHash, bootstrap.Password) == PasswordVerificationResult.Success;
                return (user with { Bootstrap = true, PasswordHash = same ? user.PasswordHash : Hasher.HashPassword(null!, bootstrap.Password) }).ToEntry();
            }, ct);
        }

        var ensured = await FindAsync(id, ct) ?? throw new InvalidOperationException($"The bootstrap user {id} vanished while it was being ensured.");
        var retired = new List<UserAccount>();
        foreach (var former in (await ListAsync(ct)).Where(u => u.Bootstrap && u.UserName != id))
        {
            // The former bootstrap user keeps its account but not its password: nobody signs in with it until it is given a new one.
            var scrambled = Hasher.HashPassword(null!, Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)));
            if (await store.UpdateAsync(UserAccount.Kind, former.UserName, e => (UserAccount.FromEntry(e) with { Bootstrap = false, PasswordHash = scrambled }).ToEntry(), ct) is { } changed)
            {
                retired.Add(UserAccount.FromEntry(changed));
            }
        }

        return (ensured, retired);
    }
}
