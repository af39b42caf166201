using System.Net;
using System.Security.Claims;
using System.Text.Json.Nodes;
using OpenApim.Resources.Arm;
using OpenApim.Resources.Hosting;
using OpenApim.Resources.Model;
using OpenApim.Resources.Store;

namespace OpenApim.Management.Services;

/// <summary>
/// Soft delete as Azure does it: a deleted service is kept whole for <see cref="Deployment.SoftDeleteRetention"/>, its
/// name stays taken, and <c>PUT</c> with <c>properties.restore: true</c> brings it back with everything it had, keys
/// included, if no other service took one of its host names meanwhile. Purged by hand or when the retention ends.
/// </summary>
internal sealed class DeletedServices(IDeletedServiceStore deleted, IResourceStore store, ServiceHostnames hostnames, Deployment deployment)
{
    public TimeSpan Retention => deployment.SoftDeleteRetention;

    public static bool IsRestore(JsonObject body) => (body.Property("properties") as JsonObject)?.Property("restore").Flag() == true;

    public Task<IReadOnlyList<DeletedService>> ListAsync(CancellationToken ct) => deleted.ListDeletedAsync(ct);

    public Task<DeletedService?> FindAsync(string name, CancellationToken ct) => deleted.FindDeletedAsync(name, ct);

    /// <summary>A 409 when <paramref name="service"/>'s name belongs to a soft-deleted service (create it with restore, or purge first).</summary>
    public async Task RequireNotSoftDeletedAsync(ServiceRef service, CancellationToken ct)
    {
        if (await deleted.FindDeletedAsync(service.Name, ct) is { } found)
        {
            throw new ArmException(HttpStatusCode.Conflict, "ServiceAlreadyExistsInSoftDeletedState",
                $"Api service {service.Name} was soft-deleted. In order to create the new service with the same name, you have to either undelete the service (PUT with properties.restore: true) or purge it.");
        }
    }

    /// <summary>Undeletes the service <paramref name="service"/> names; 404 when none by that name is soft-deleted there.</summary>
    public async Task<StoredResource> UndeleteAsync(ServiceRef service, JsonObject body, ClaimsPrincipal caller, CancellationToken ct)
    {
        var found = await deleted.FindDeletedAsync(service.Name, ct);
        if (found is null || !string.Equals(found.Service.Key, service.Key, StringComparison.Ordinal))
        {
            // Where another caller's deleted service was is not this caller's business: the answer is the same either way.
            throw new ArmException(HttpStatusCode.NotFound, "DeletedServiceNotFound", $"No soft-deleted service named '{service.Name}' exists here to restore.");
        }

        if (body["location"].Text() is { } location && !ArmLocation.Same(location, found.Document["location"].Text()))
        {
            throw ArmErrors.Validation("location", $"The soft-deleted service was in '{found.Document["location"].Text()}'; it is restored there.");
        }

        // Its host names were free while it was deleted: another service may hold one now.
        await store.WriteAsync(service, WriteScope.Service, async tx =>
        {
            await hostnames.CheckAsync(tx, service, found.Document, null, caller, ct);
            return true;
        }, ct);

        if (!await deleted.UndeleteAsync(found, ct))
        {
            throw new ArmException(HttpStatusCode.NotFound, "DeletedServiceNotFound", $"The soft-deleted service '{service.Name}' was purged meanwhile.");
        }

        return await store.GetAsync(EntityAddress.ForService(service), ct)
            ?? throw new InvalidOperationException($"Service {service.Id} is missing right after its undelete.");
    }

    public async Task<DeletedService> PurgeAsync(string location, string name, CancellationToken ct)
    {
        var found = await RequireAsync(location, name, ct);
        await deleted.PurgeAsync(found, ct);
        return found;
    }

    public async Task<DeletedService> RequireAsync(string location, string name, CancellationToken ct) =>
        await deleted.FindDeletedAsync(name, ct) is { } found && ArmLocation.Same(found.Document["location"].Text(), location)
            ? found
            : throw new ArmException(HttpStatusCode.NotFound, "ResourceNotFound", $"The deleted service '{name}' in location '{location}' was not found.");

    /// <summary>The ARM view of a soft-deleted service (DeletedServiceContract).</summary>
    public JsonObject Render(DeletedService found)
    {
        var location = found.Document["location"].Text() ?? "";
        return new JsonObject
        {
            ["id"] = $"/subscriptions/{found.Service.SubscriptionId}/providers/Microsoft.ApiManagement/locations/{ArmLocation.Name(location)}/deletedservices/{found.Service.Name}",
            ["name"] = found.Service.Name,
            ["type"] = "Microsoft.ApiManagement/deletedservices",
            ["location"] = location,
            ["properties"] = new JsonObject
            {
                ["serviceId"] = found.Service.Id,
                ["scheduledPurgeDate"] = (found.DeletedAt + Retention).ToString("O"),
                ["deletionDate"] = found.DeletedAt.ToString("O"),
            },
        };
    }

}
