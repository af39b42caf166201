using Microsoft.Extensions.Hosting;
using OpenApim.Identity.Access;
using OpenApim.Identity.Clients;

namespace OpenApim.Identity.Applications;

/// <summary>
/// At start, makes the bootstrap credential an app registration holding Owner over "/" (the whole
/// tenant), so the server is manageable from its first second and an operator can create the
/// narrower registrations and assignments they actually use.
/// </summary>
public sealed class BootstrapAdministrator(BootstrapCredential bootstrap, ApplicationDirectory applications, RoleAssignments assignments) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var app = await applications.EnsureBootstrapAsync(bootstrap, cancellationToken);
        await assignments.EnsureAsync(app.ObjectId, BuiltInRoles.Owner, "/", "The bootstrap administrator (from the server's settings).", cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
