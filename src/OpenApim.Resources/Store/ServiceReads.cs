using OpenApim.Resources.Arm;
using OpenApim.Resources.Model;

namespace OpenApim.Resources.Store;

/// <summary>Reading a service's own row, the way every caller below the service needs it.</summary>
public static class ServiceReads
{
    /// <summary>The service's row, or the ARM 404 when there is no such service.</summary>
    public static async Task<StoredResource> RequireServiceAsync(this IResourceStore store, ServiceRef service, CancellationToken ct) =>
        await store.GetAsync(EntityAddress.ForService(service), ct) ?? throw ArmErrors.ServiceNotFound(service.Name, service.ResourceGroup);

    /// <summary>The service's row in a write transaction, or the ARM 404.</summary>
    public static async Task<StoredResource> RequireServiceAsync(this IResourceWriter tx, ServiceRef service, CancellationToken ct) =>
        await tx.GetAsync(EntityAddress.ForService(service), ct) ?? throw ArmErrors.ServiceNotFound(service.Name, service.ResourceGroup);
}
