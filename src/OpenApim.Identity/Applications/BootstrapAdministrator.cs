using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenApim.Identity.Access;
using OpenApim.Identity.Users;

namespace OpenApim.Identity.Applications;

/// <summary>
/// At start, makes the bootstrap credential an app registration holding Owner over "/" (the whole
/// tenant), and the bootstrap user likewise, so the server is manageable from its first second and an operator can create the
/// narrower registrations and assignments they actually use. A registration that was the bootstrap
/// administrator under an earlier client id loses the status, its secret and its Owner assignment.
/// </summary>
internal sealed partial class BootstrapAdministrator(BootstrapCredential bootstrap, BootstrapUser bootstrapUser, ApplicationDirectory applications, UserDirectory users, RoleAssignments assignments, ILogger<BootstrapAdministrator> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var app = await applications.EnsureBootstrapAsync(bootstrap, cancellationToken);
        await assignments.EnsureAsync(app.ObjectId, BuiltInRoles.Owner, "/", "The bootstrap administrator (from the server's settings).", cancellationToken);
        foreach (var former in await applications.RetireFormerBootstrapsAsync(app.AppId, cancellationToken))
        {
            await assignments.RevokeEnsuredAsync(former.ObjectId, BuiltInRoles.Owner, "/", cancellationToken);
            LogRetired(logger, former.AppId, app.AppId);
        }

        // The console's administrator, a person: the same Owner role over "/", under the user's own object id.
        var (user, retiredUsers) = await users.EnsureBootstrapAsync(bootstrapUser, cancellationToken);
        bootstrapUser.Forget();
        await assignments.EnsureAsync(user.ObjectId, BuiltInRoles.Owner, "/", "The bootstrap user (from the server's settings).", cancellationToken, principalType: "User");
        foreach (var former in retiredUsers)
        {
            await assignments.RevokeEnsuredAsync(former.ObjectId, BuiltInRoles.Owner, "/", cancellationToken);
            LogRetired(logger, "user " + former.UserName, "user " + user.UserName);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The bootstrap administrator is now {Current}; the former one, {Former}, lost its secret and its Owner role and may be deleted")]
    private static partial void LogRetired(ILogger logger, string former, string current);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
