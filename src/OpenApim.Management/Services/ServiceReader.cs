using System.Text.Json.Nodes;
using OpenApim.Resources.Arm;
using OpenApim.Resources.Hosting;
using OpenApim.Resources.Model;
using OpenApim.Resources.Store;

namespace OpenApim.Management.Services;

/// <summary>Reads a service the way every endpoint below it needs: it must exist (else the ARM 404), and it renders as ARM shows it.</summary>
internal sealed class ServiceReader(IResourceStore store, Deployment deployment)
{
    public async Task<StoredResource> RequireAsync(ServiceRef service, CancellationToken ct) =>
        await store.RequireServiceAsync(service, ct);

    public JsonObject Render(ServiceRef service, StoredResource row) =>
        ServiceRendering.Render(service, row.Body, row.ETag, deployment.GatewayUrl(service.Name), deployment.ManagementUrl);
}
