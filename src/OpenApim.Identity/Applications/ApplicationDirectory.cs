using OpenApim.Identity.Clients;
using OpenApim.Resources.Arm;
using OpenApim.Resources.Store;

namespace OpenApim.Identity.Applications;

/// <summary>App registrations in the directory table, and client authentication against them.</summary>
internal sealed class ApplicationDirectory(IDirectoryStore store, TimeProvider time) : IClientDirectory
{
    /// <summary>Client secrets are valid for at most two years, as Entra recommends.</summary>
    public static readonly TimeSpan MaximumSecretLifetime = TimeSpan.FromDays(730);

    public static readonly TimeSpan DefaultSecretLifetime = TimeSpan.FromDays(180);

    public async Task<(AppPrincipal? Principal, ClientRejection? Rejection)> AuthenticateAsync(string clientId, string secret, CancellationToken ct)
    {
        var app = await FindAsync(clientId, ct);
        if (app is null)
        {
            return (null, new ClientRejection("unauthorized_client",
                $"AADSTS700016: Application with identifier '{clientId}' was not found in the directory.", 400, UnknownClient: true));
        }

        var now = time.GetUtcNow();
        var match = app.PasswordCredentials.FirstOrDefault(p => p.Verifies(secret));
        if (match is null)
        {
            return (null, new ClientRejection("invalid_client", $"AADSTS7000215: Invalid client secret provided for application '{app.AppId}'."));
        }

        if (match.EndDateTime <= now || match.StartDateTime > now + TimeSpan.FromMinutes(5))
        {
            return (null, new ClientRejection("invalid_client",
                $"AADSTS7000222: The provided client secret keys for app '{app.AppId}' are expired (keyId {match.KeyId}, valid until {match.EndDateTime:O}). Add a new secret."));
        }

        return (new AppPrincipal(app.AppId, app.ObjectId, app.DisplayName), null);
    }

    public async Task<bool> ExistsAsync(string clientId, CancellationToken ct) => await FindAsync(clientId, ct) is not null;

    public async Task<Application?> FindAsync(string appId, CancellationToken ct) =>
        await store.GetAsync(Application.Kind, appId.ToLowerInvariant(), ct) is { } entry ? Application.FromEntry(entry) : null;

    public async Task<Application> GetAsync(string appId, CancellationToken ct) =>
        await FindAsync(appId, ct) ?? throw ArmErrors.ApplicationNotFound(appId);

    public async Task<IReadOnlyList<Application>> ListAsync(CancellationToken ct) =>
        [.. (await store.ListAsync(Application.Kind, ct)).Select(Application.FromEntry)];

    /// <summary>Creates the registration, or renames it when it exists; true when created.</summary>
    public async Task<(Application App, bool Created)> PutAsync(string appId, string displayName, CancellationToken ct)
    {
        var id = appId.ToLowerInvariant();
        // Object ids are random, as in Entra: nobody (a trusted issuer's users included) can pick one.
        var app = new Application(id, Guid.NewGuid().ToString(), displayName, time.GetUtcNow(), Bootstrap: false, []);
        if (await store.CreateAsync(app.ToEntry(), ct))
        {
            return (app, true);
        }

        return (await ChangeAsync(id, a => a with { DisplayName = displayName }, ct), false);
    }

    /// <summary>Adds a client secret and returns it with its one and only clear-text copy.</summary>
    public async Task<(PasswordCredential Credential, string SecretText)> AddPasswordAsync(string appId, string? displayName, DateTimeOffset? end, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var endDateTime = end ?? now + DefaultSecretLifetime;
        if (endDateTime <= now || endDateTime > now + MaximumSecretLifetime)
        {
            throw ArmErrors.Validation("endDateTime", $"'endDateTime' must be in the future and at most {MaximumSecretLifetime.TotalDays} days away.");
        }

        var secret = PasswordCredential.NewSecret();
        var credential = new PasswordCredential(Guid.NewGuid().ToString(), displayName, secret[..3], PasswordCredential.Hash(secret), now, endDateTime);
        await ChangeAsync(appId, app => app with { PasswordCredentials = [.. app.PasswordCredentials, credential] }, ct);
        return (credential, secret);
    }

    public Task RemovePasswordAsync(string appId, string keyId, CancellationToken ct) => ChangeAsync(appId, app =>
    {
        var kept = app.PasswordCredentials.Where(p => !string.Equals(p.KeyId, keyId, StringComparison.OrdinalIgnoreCase)).ToList();
        return kept.Count == app.PasswordCredentials.Count ? throw ArmErrors.PasswordCredentialNotFound(appId, keyId) : app with { PasswordCredentials = kept };
    }, ct);

    /// <summary>Deletes the registration and every role assignment of its principal, so a later registration with the same id starts with no access.</summary>
    public async Task<bool> DeleteAsync(string appId, CancellationToken ct)
    {
        var app = await FindAsync(appId, ct);
        if (app is null)
        {
            return false;
        }

        if (app.Bootstrap)
        {
            throw ArmErrors.BootstrapApplicationProtected(app.AppId);
        }

        await store.DeleteByPrincipalAsync(Access.RoleAssignment.Kind, app.ObjectId, ct);
        return await store.DeleteAsync(Application.Kind, app.AppId, ct);
    }

    /// <summary>Makes the bootstrap credential an app registration whose only secret is the configured one.</summary>
    public async Task<Application> EnsureBootstrapAsync(BootstrapCredential bootstrap, CancellationToken ct)
    {
        var id = bootstrap.ClientId.ToLowerInvariant();
        var existing = await FindAsync(id, ct);
        var now = time.GetUtcNow();
        var credential = existing?.PasswordCredentials.FirstOrDefault(p => p.SecretHash == bootstrap.SecretHashBase64)
            ?? new PasswordCredential(Guid.NewGuid().ToString(), "bootstrap", bootstrap.Hint, bootstrap.SecretHashBase64, now, DateTimeOffset.MaxValue);
        var app = new Application(id, existing?.ObjectId ?? Guid.NewGuid().ToString(), "OpenApim bootstrap administrator", existing?.CreatedDateTime ?? now, Bootstrap: true, [credential]);
        await store.PutAsync(app.ToEntry(), ct);
        return app;
    }

    /// <summary>
    /// Registrations that were the bootstrap administrator under an earlier client id lose that status and the
    /// bootstrap secret, so rotating OPENAPIM_BOOTSTRAP_CLIENT_ID actually rotates: the old id can no longer sign in
    /// and can be deleted. Returns them (their Owner assignment is the caller's to revoke).
    /// </summary>
    public async Task<IReadOnlyList<Application>> RetireFormerBootstrapsAsync(string currentClientId, CancellationToken ct)
    {
        var retired = new List<Application>();
        foreach (var app in await ListAsync(ct))
        {
            if (!app.Bootstrap || string.Equals(app.AppId, currentClientId, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var updated = await store.UpdateAsync(Application.Kind, app.AppId, e => (Application.FromEntry(e) with
            {
                Bootstrap = false,
                DisplayName = "Former OpenApim bootstrap administrator",
                PasswordCredentials = [],
            }).ToEntry(), ct);
            if (updated is not null)
            {
                retired.Add(Application.FromEntry(updated));
            }
        }

        return retired;
    }

    /// <summary>Changes a registration under its row lock; the bootstrap administrator is refused.</summary>
    private async Task<Application> ChangeAsync(string appId, Func<Application, Application> change, CancellationToken ct)
    {
        var updated = await store.UpdateAsync(Application.Kind, appId.ToLowerInvariant(), e =>
        {
            var app = Application.FromEntry(e);
            return app.Bootstrap ? throw ArmErrors.BootstrapApplicationProtected(app.AppId) : change(app).ToEntry();
        }, ct);
        return updated is null ? throw ArmErrors.ApplicationNotFound(appId) : Application.FromEntry(updated);
    }
}
