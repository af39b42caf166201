using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using OpenApim.Http;
using OpenApim.Resources.Arm;
using OpenApim.Resources.Entities;
using OpenApim.Resources.Hosting;
using OpenApim.Resources.Kinds.Schema;
using OpenApim.Resources.Kinds.Service;
using OpenApim.Resources.Model;
using OpenApim.Resources.Operations;
using OpenApim.Resources.Queries;
using OpenApim.Resources.Store;

namespace OpenApim.Management.Services;

/// <summary>The service resource: create/update, read, patch, delete, list and name checks.</summary>
internal sealed class ServiceEndpoints(
    IResourceStore store, ServiceReader reader, ServiceDeletion deletion, ServiceDefaults defaults, DeletedServices deleted, IOperationStore operations, Deployment deployment, ServiceHostnames hostnames, TimeProvider time)
{
    public static void Map(RouteGroupBuilder subscription)
    {
        subscription.MapPost("/providers/Microsoft.ApiManagement/checkNameAvailability", (HttpContext c, ServiceEndpoints h) => h.CheckNameAsync(c));
        subscription.MapGet("/providers/Microsoft.ApiManagement/service", (HttpContext c, string subscriptionId, ServiceEndpoints h) =>
            h.ListAsync(c, ListQuery.Services(subscriptionId)));

        var group = subscription.MapGroup("/resourceGroups/{resourceGroup}/providers/Microsoft.ApiManagement/service");
        group.MapGet("", (HttpContext c, string subscriptionId, string resourceGroup, ServiceEndpoints h) =>
        {
            ServiceRef.ValidateResourceGroup(resourceGroup);
            return h.ListAsync(c, ListQuery.Services(subscriptionId, resourceGroup));
        });
        group.MapMethods("/{serviceName}", [HttpMethods.Get, HttpMethods.Head], (HttpContext c, string subscriptionId, string resourceGroup, string serviceName, ServiceEndpoints h) =>
            h.GetAsync(c, ServiceRef.Parse(subscriptionId, resourceGroup, serviceName)));
        group.MapPut("/{serviceName}", (HttpContext c, string subscriptionId, string resourceGroup, string serviceName, ServiceEndpoints h) =>
            h.PutAsync(c, ServiceRef.Parse(subscriptionId, resourceGroup, serviceName)));
        group.MapPatch("/{serviceName}", (HttpContext c, string subscriptionId, string resourceGroup, string serviceName, ServiceEndpoints h) =>
            h.PatchAsync(c, ServiceRef.Parse(subscriptionId, resourceGroup, serviceName)));
        group.MapDelete("/{serviceName}", (HttpContext c, string subscriptionId, string resourceGroup, string serviceName, ServiceEndpoints h) =>
            h.DeleteAsync(c, ServiceRef.Parse(subscriptionId, resourceGroup, serviceName)));
    }

    private JsonObject Render(ServiceRef service, StoredResource row) => reader.Render(service, row);

    private async Task GetAsync(HttpContext c, ServiceRef service)
    {
        var row = await reader.RequireAsync(service, c.RequestAborted);
        await c.Response.JsonAsync(200, Render(service, row), row.ETag);
    }

    private async Task ListAsync(HttpContext c, ListQuery query)
    {
        var (top, skip) = c.Request.Paging();
        var filter = c.Request.Query("$filter");
        var parsed = filter is null ? null : Filter.Parse(filter, f => f.Equals("name", StringComparison.OrdinalIgnoreCase) ? "name" : null);
        var page = await store.ListAsync(query with { Top = top, Skip = skip, Filter = parsed }, c.RequestAborted);
        var items = page.Items.Select(r => (JsonNode)Render(r.Address.Service, r));
        await c.Response.JsonAsync(200, ArmResponse.Page(items, null, c.Request.NextLink(top, skip, page.Total)));
    }

    private async Task PutAsync(HttpContext c, ServiceRef service)
    {
        var body = await c.Request.ReadJsonObjectAsync(required: true, c.RequestAborted);
        if (DeletedServices.IsRestore(body))
        {
            var restored = await deleted.UndeleteAsync(service, body, c.User, c.RequestAborted);
            await c.Response.JsonAsync(200, Render(service, restored), restored.ETag);
            return;
        }

        await deleted.RequireNotSoftDeletedAsync(service, c.RequestAborted);
        ServiceKind.Normalize(body);
        var ifMatch = c.Request.IfMatch();
        var ifNoneMatch = c.Request.IfNoneMatch();
        var now = time.GetUtcNow();

        var (row, created) = await store.WriteAsync(service, WriteScope.Service, async tx =>
        {
            var existing = await tx.GetAsync(EntityAddress.ForService(service), c.RequestAborted);
            ETag.CheckConditions(service.Name, existing?.ETag, ifMatch, ifNoneMatch);

            if (existing is null)
            {
                await RequireNameFreeAsync(tx, service, c.RequestAborted);
            }
            else
            {
                RequireSameLocation(existing.Body, body);
            }

            await hostnames.CheckAsync(tx, service, body, existing?.Body, c.User, c.RequestAborted);
            Complete(body, existing?.Body, now);
            var stored = await tx.PutAsync(ResourceRow.Service(service, body), null, c.RequestAborted);
            if (existing is null)
            {
                await EntityService.SeedAsync(tx, service, c.RequestAborted);
                await defaults.WriteAsync(tx, service, body, deployment.CreateServiceDefaults, c.RequestAborted);
            }

            return (stored, existing is null);
        }, c.RequestAborted);

        if (!created)
        {
            await c.Response.JsonAsync(200, Render(service, row), row.ETag);
            return;
        }

        // Creation completes at once but follows the ARM protocol: 201 with a pollable operation.
        var operation = new OperationRecord
        {
            Id = Guid.NewGuid().ToString("N"),
            Kind = OperationKinds.CreateService,
            ServiceKey = service.Key,
            ServiceId = service.Id,
            Status = OperationStatus.Succeeded,
            ApiVersion = c.ApiVersion(),
            CreatedAt = now,
            EndedAt = now,
        };
        await operations.RecordCompletedAsync(operation, c.RequestAborted);
        var url = ArmLinks.OperationResult(c, service, operation.Id) + "&asyncResponse";
        c.Response.Headers.Location = url;
        c.Response.Headers["Azure-AsyncOperation"] = url;
        await c.Response.JsonAsync(201, Render(service, row), row.ETag);
    }

    private async Task PatchAsync(HttpContext c, ServiceRef service)
    {
        var patch = await c.Request.ReadJsonObjectAsync(required: true, c.RequestAborted);
        var ifMatch = c.Request.IfMatch();
        var row = await store.WriteAsync(service, WriteScope.Service, async tx =>
        {
            var existing = await tx.RequireServiceAsync(service, c.RequestAborted);
            ETag.CheckConditions(service.Name, existing.ETag, ifMatch, null);

            var merged = (JsonObject)existing.Body.DeepClone();
            if (patch["location"] is not null)
            {
                RequireSameLocation(existing.Body, patch);
            }

            JsonMerge.Apply(merged, patch);
            ServiceKind.Normalize(merged);
            await hostnames.CheckAsync(tx, service, merged, existing.Body, c.User, c.RequestAborted);
            Complete(merged, existing.Body, time.GetUtcNow());
            return await tx.PutAsync(ResourceRow.Service(service, merged), null, c.RequestAborted);
        }, c.RequestAborted);
        await c.Response.JsonAsync(200, Render(service, row), row.ETag);
    }

    private async Task DeleteAsync(HttpContext c, ServiceRef service)
    {
        var deleted = await deletion.DeleteAsync(service, c.Request.IfMatch(), c.RequestAborted);
        await c.Response.StatusAsync(deleted ? 200 : 204);
    }

    private async Task CheckNameAsync(HttpContext c)
    {
        var body = await c.Request.ReadJsonObjectAsync(required: true, c.RequestAborted);
        if (body["name"] is not JsonValue v || !v.TryGetValue<string>(out var name))
        {
            throw ArmErrors.Validation("name", "'name' is required.");
        }

        var problem = ServiceRef.ServiceNameProblems(name);
        JsonObject result;
        if (problem is not null)
        {
            result = new JsonObject { ["nameAvailable"] = false, ["reason"] = "Invalid", ["message"] = problem };
        }
        else if (await FindByNameAsync(name, c.RequestAborted) is not null || await deleted.FindAsync(name, c.RequestAborted) is not null)
        {
            result = new JsonObject { ["nameAvailable"] = false, ["reason"] = "AlreadyExists", ["message"] = $"{name} is already in use. Please select a different name." };
        }
        else
        {
            result = new JsonObject { ["nameAvailable"] = true, ["reason"] = "Valid", ["message"] = "" };
        }

        await c.Response.JsonAsync(200, result);
    }

    private async Task<StoredResource?> FindByNameAsync(string name, CancellationToken ct)
    {
        var page = await store.ListAsync(ListQuery.Services() with { Filter = new CompareFilter("name", "eq", name), Top = 1 }, ct);
        return page.Items.Count > 0 ? page.Items[0] : null;
    }

    /// <summary>Service names are global here, as in Azure: the gateway host <c>{name}.localhost</c> must be unique.</summary>
    private static async Task RequireNameFreeAsync(IResourceWriter tx, ServiceRef service, CancellationToken ct)
    {
        var same = await tx.ListAsync(ListQuery.Services() with { Filter = new CompareFilter("name", "eq", service.Name), Top = 1 }, ct);
        if (same.Items.Count > 0)
        {
            throw new ArmException(System.Net.HttpStatusCode.Conflict, "ServiceAlreadyExists",
                $"A service named '{service.Name}' already exists ({same.Items[0].Id}); service names are unique in a deployment.");
        }
    }

    private static void RequireSameLocation(JsonObject existing, JsonObject update)
    {
        var before = existing["location"].Text();
        var after = update["location"].Text() ?? update["location"]?.ToJsonString();
        if (!ArmLocation.Same(before, after))
        {
            throw ArmErrors.Validation("location", $"The location of a service cannot change (it is '{before}', the request says '{after}').");
        }
    }

    private void Complete(JsonObject body, JsonObject? previous, DateTimeOffset now)
    {
        ServiceWrites.CarryCertificates(body, previous);
        ServiceWrites.AssignIdentity(body, previous, deployment.TenantId);
        var p = (JsonObject)body["properties"]!;
        p["createdAtUtc"] = previous?["properties"]?["createdAtUtc"]?.DeepClone()
            ?? now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", System.Globalization.CultureInfo.InvariantCulture);
        p["provisioningState"] = "Succeeded";
        p["targetProvisioningState"] = "";
    }
}
