using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using OpenApim.Http;
using OpenApim.Management.ApiImport;
using OpenApim.Management.Revisions;
using OpenApim.Resources.Arm;
using OpenApim.Resources.Entities;
using OpenApim.Resources.Kinds;
using OpenApim.Resources.Model;
using OpenApim.Resources.Store;

namespace OpenApim.Management.Entities;

/// <summary>
/// Every entity path below a service, for every kind: one dispatcher that parses the path through
/// the kind catalogue and answers with ARM's status codes for the requested api-version.
/// </summary>
internal sealed class EntityEndpoints(EntityService entities, IResourceStore store, ApiSpecifications specifications, ApiRevisions revisions, IEnumerable<IEntityStatus> statuses)
{
    public static void Map(RouteGroupBuilder services) =>
        services.Map("/{serviceName}/{**path}", (HttpContext c, string subscriptionId, string resourceGroup, string serviceName, string path, EntityEndpoints h) =>
            h.DispatchAsync(c, ServiceRef.Parse(subscriptionId, resourceGroup, serviceName), path));

    private async Task DispatchAsync(HttpContext c, ServiceRef service, string path)
    {
        var method = c.Request.Method;
        var parsed = await ResolveRevisionAsync(EntityPath.Parse(service, path, c.ApiVersion()), c.RequestAborted);
        await (parsed switch
        {
            CollectionPath p when HttpMethods.IsGet(method) => ListAsync(c, p.Collection),
            ViewPath p when HttpMethods.IsGet(method) => ViewAsync(c, p),
            RevisionsPath p when HttpMethods.IsGet(method) => RevisionsAsync(c, p.Api),
            ItemPath p when HttpMethods.IsGet(method) || HttpMethods.IsHead(method) => GetAsync(c, p.Entity),
            ItemPath p when HttpMethods.IsPut(method) => PutAsync(c, p.Entity),
            ItemPath p when HttpMethods.IsPatch(method) => PatchAsync(c, p.Entity),
            ItemPath { ViaCurrentRevision: true } p when HttpMethods.IsDelete(method) => throw ArmErrors.Conflict(
                $"'{p.Entity.RelativeId}' is the current revision; release another revision first, or delete the API with all its revisions."),
            ItemPath p when HttpMethods.IsDelete(method) => DeleteAsync(c, p.Entity),
            ActionPath p when HttpMethods.IsPost(method) => ActionAsync(c, p),
            _ => throw ArmErrors.MethodNotAllowed(method, path),
        });
    }

    /// <summary><c>apis/{id};rev={n}</c> of the current revision is <c>apis/{id}</c>; deleting it that way is refused.</summary>
    private async Task<EntityPath> ResolveRevisionAsync(EntityPath path, CancellationToken ct)
    {
        switch (path)
        {
            case ItemPath p:
                var (entity, wasCurrent) = await revisions.ResolveAsync(p.Entity, ct);
                return new ItemPath(entity, wasCurrent && entity.Kind == KindCatalog.Apis);
            case CollectionPath p when p.Collection.Parent is { } parent:
                return new CollectionPath(p.Collection with { Parent = (await revisions.ResolveAsync(parent, ct)).Address });
            case ActionPath p:
                return p with { Entity = (await revisions.ResolveAsync(p.Entity, ct)).Address };
            case ViewPath p:
                return p with { Entity = (await revisions.ResolveAsync(p.Entity, ct)).Address };
            case RevisionsPath p:
                return new RevisionsPath((await revisions.ResolveAsync(p.Api, ct)).Address);
            default:
                return path;
        }
    }

    private async Task RevisionsAsync(HttpContext c, EntityAddress api) =>
        await c.Response.JsonAsync(200, await revisions.ListAsync(api, c.RequestAborted));

    private async Task ListAsync(HttpContext c, CollectionAddress collection)
    {
        var (top, skip) = c.Request.Paging();
        var page = await entities.ListAsync(collection, c.Request.Query("$filter"), top, skip, c.RequestAborted);
        var items = new List<JsonNode>(page.Items.Count);
        var addresses = page.Items.Select(row => collection.Item(row.Name)).ToList();
        var targets = collection.Kind.LinkTarget is null ? null : await entities.LinkTargetsAsync(addresses, c.RequestAborted);
        for (var i = 0; i < addresses.Count; i++)
        {
            if (targets is null)
            {
                items.Add(EntityRendering.Render(addresses[i], page.Items[i], null));
            }
            else if (targets.TryGetValue(EntityService.LinkTarget(addresses[i]), out var target))
            {
                items.Add(EntityRendering.Render(addresses[i], page.Items[i], target));
            }
        }

        await c.Response.JsonAsync(200, ArmResponse.Page(items, page.Total, c.Request.NextLink(top, skip, page.Total)));
    }

    private async Task ViewAsync(HttpContext c, ViewPath view)
    {
        await entities.GetAsync(view.Entity, c.RequestAborted);
        var (top, skip) = c.Request.Paging();
        var page = await store.ListAsync(view.View.Query(view.Entity) with { Top = top, Skip = skip }, c.RequestAborted);
        var kind = view.View.ResultKind;
        var items = new List<JsonNode>(page.Items.Count);
        var parents = view.View.ThroughLinks ? await store.GetManyAsync([.. page.Items.Select(r => r.Address.Parent!)], c.RequestAborted) : null;
        foreach (var row in page.Items)
        {
            var shown = parents is null ? row : parents.GetValueOrDefault(row.Address.Parent!);
            if (shown is not null)
            {
                var rendered = EntityRendering.Render(view.Entity.Sibling(kind, shown.Name), shown);
                rendered["id"] = $"{view.Entity.Id}/{view.View.Segment}/{shown.Name}";
                items.Add(rendered);
            }
        }

        await c.Response.JsonAsync(200, ArmResponse.Page(items, page.Total, c.Request.NextLink(top, skip, page.Total)));
    }

    private async Task GetAsync(HttpContext c, EntityAddress address)
    {
        if (address.Kind == KindCatalog.Apis && string.Equals(c.Request.Query("export"), "true", StringComparison.OrdinalIgnoreCase))
        {
            await c.Response.JsonAsync(200, await specifications.ExportAsync(address, c.Request.Query("format"), c.Request.BaseUrl(), c.RequestAborted));
            return;
        }

        var row = await entities.GetAsync(address, c.RequestAborted);
        if (address.Kind.LinkTarget is not null)
        {
            // Association HEAD answers 204 "entity exists" (tag assignments answer 200); GET shows the linked entity.
            if (HttpMethods.IsHead(c.Request.Method))
            {
                await c.Response.StatusAsync(address.Kind.LinkTarget == KindCatalog.Tags ? 200 : 204);
                return;
            }

            var target = await entities.LinkTargetAsync(address, c.RequestAborted) ?? throw ArmErrors.EntityNotFound(address.RelativeId);
            await c.Response.JsonAsync(200, EntityRendering.Render(address, row, target), row.ETag);
            return;
        }

        var rendered = EntityRendering.Render(address, row);
        if (statuses.FirstOrDefault(s => s.Kind == address.Kind) is { } status && rendered["properties"] is JsonObject properties)
        {
            properties["status"] = await status.GetAsync(row, c.RequestAborted);
        }

        await c.Response.JsonAsync(200, rendered, row.ETag);
    }

    private async Task PutAsync(HttpContext c, EntityAddress address)
    {
        var body = await c.Request.ReadJsonObjectAsync(required: address.Kind.LinkTarget is null, c.RequestAborted);
        var (ifMatch, ifNoneMatch, ct) = (c.Request.IfMatch(), c.Request.IfNoneMatch(), c.RequestAborted);
        var revision = address.Kind == KindCatalog.Apis && ApiRevisionName.Parse(address.Name).IsRevision;
        var result = address.Kind == KindCatalog.Apis && ApiSpecifications.IsImport(body)
            ? await specifications.ImportAsync(address, revision ? await revisions.AsRevisionAsync(address, body, ct) : body, ifMatch, ifNoneMatch, ct)
            : revision ? await revisions.PutRevisionAsync(address, body, ifMatch, ifNoneMatch, ct)
            : address.Kind == KindCatalog.ApiReleases ? await revisions.PutReleaseAsync(address, body, ifMatch, ifNoneMatch, ct)
            : await entities.PutAsync(address, body, ifMatch, ifNoneMatch, ct);
        var status = result.Created ? 201 : 200;
        if (address.Kind.LinkTarget is not null)
        {
            var target = await entities.LinkTargetAsync(address, c.RequestAborted) ?? throw ArmErrors.EntityNotFound(address.RelativeId);
            var rendered = EntityRendering.Render(address, result.Entity, target);
            rendered["id"] = target.Id;
            await c.Response.JsonAsync(status, rendered, result.Entity.ETag);
            return;
        }

        await c.Response.JsonAsync(status, EntityRendering.Render(address, result.Entity), result.Entity.ETag);
    }

    private async Task PatchAsync(HttpContext c, EntityAddress address)
    {
        var body = await c.Request.ReadJsonObjectAsync(required: true, c.RequestAborted);
        var row = await entities.PatchAsync(address, body, c.Request.IfMatch(), c.RequestAborted);
        // Entity PATCH answered 204 until 2020-12-01; portal settings still do.
        if (!ApiVersions.AtLeast(c.ApiVersion(), ApiVersions.PatchReturnsBody) || !address.Kind.PatchReturnsBody)
        {
            c.Response.Headers.ETag = ETag.Quote(row.ETag);
            await c.Response.StatusAsync(204);
            return;
        }

        await c.Response.JsonAsync(200, EntityRendering.Render(address, row), row.ETag);
    }

    private async Task DeleteAsync(HttpContext c, EntityAddress address)
    {
        var deleted = await entities.DeleteAsync(address, c.Request.IfMatch(), n => c.Request.Query(n), c.RequestAborted);
        await c.Response.StatusAsync(deleted ? 200 : 204);
    }

    private async Task ActionAsync(HttpContext c, ActionPath p)
    {
        var body = await c.Request.ReadJsonObjectAsync(required: false, c.RequestAborted);
        var result = await entities.ActionAsync(p.Entity, p.Action, body, c.RequestAborted);
        if (result is null)
        {
            await c.Response.StatusAsync(204);
            return;
        }

        var row = await store.GetAsync(p.Entity, c.RequestAborted);
        await c.Response.JsonAsync(200, result, row?.ETag);
    }
}
