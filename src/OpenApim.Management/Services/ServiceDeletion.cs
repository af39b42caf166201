using OpenApim.Resources.Arm;
using OpenApim.Resources.Hosting;
using OpenApim.Resources.Model;
using OpenApim.Resources.Store;

namespace OpenApim.Management.Services;

/// <summary>
/// The one way a service is deleted: on its own (DELETE) or with its resource group. With a soft-delete retention (the
/// default) the service is kept for undelete (<see cref="DeletedServices"/>); with none it is gone at once.
/// </summary>
internal sealed class ServiceDeletion(IResourceStore store, Deployment deployment)
{
    /// <summary>Deletes the service and everything in it; false when there was none. <paramref name="ifMatch"/> must match its ETag when given.</summary>
    public Task<bool> DeleteAsync(ServiceRef service, string? ifMatch, CancellationToken ct) =>
        store.WriteAsync(service, WriteScope.Service, async tx =>
        {
            var existing = await tx.GetAsync(EntityAddress.ForService(service), ct);
            if (existing is null)
            {
                return false;
            }

            ETag.CheckConditions(service.Name, existing.ETag, ifMatch, null);
            if (deployment.SoftDeleteRetention > TimeSpan.Zero)
            {
                await tx.SoftDeleteServiceAsync(ct);
            }
            else
            {
                await tx.DeleteTreeAsync(EntityAddress.ForService(service), ct);
            }

            return true;
        }, ct);
}
