using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using OpenApim.Http;
using OpenApim.Management.Services;
using OpenApim.Resources.Arm;
using OpenApim.Resources.Operations;

namespace OpenApim.Management.Operations;

/// <summary>
/// Long-running service actions (backup, restore, ...) and their status. Management only starts
/// operations and reports their state; the work is done by the handlers registered with the runner.
/// </summary>
internal sealed class OperationEndpoints(IOperationStore operations, ServiceReader services, IEnumerable<IServiceAction> actions)
{
    /// <summary>Seconds a client should wait between polls.</summary>
    public const int RetryAfterSeconds = 1;

    public static void Map(RouteGroupBuilder services)
    {
        services.MapGet("/{serviceName}/operationresults/{operationId}", (HttpContext c, string subscriptionId, string resourceGroup, string serviceName, string operationId, OperationEndpoints h) =>
            h.GetAsync(c, ServiceRef.Parse(subscriptionId, resourceGroup, serviceName), operationId));
        services.MapGet("/{serviceName}/operations", (HttpContext c, string subscriptionId, string resourceGroup, string serviceName, OperationEndpoints h) =>
            h.ListAsync(c, ServiceRef.Parse(subscriptionId, resourceGroup, serviceName)));
        services.MapPost("/{serviceName}/{action}", (HttpContext c, string subscriptionId, string resourceGroup, string serviceName, string action, OperationEndpoints h) =>
            h.StartAsync(c, ServiceRef.Parse(subscriptionId, resourceGroup, serviceName), action));
    }

    private async Task StartAsync(HttpContext c, ServiceRef service, string name)
    {
        var action = actions.FirstOrDefault(a => a.Name.Equals(name, StringComparison.OrdinalIgnoreCase))
            ?? throw ArmErrors.InvalidResourceType($"{ServiceRef.ResourceType}/{name}", c.ApiVersion());
        var body = await c.Request.ReadJsonObjectAsync(required: false, c.RequestAborted);
        await services.RequireAsync(service, c.RequestAborted);
        var query = c.Request.Query.ToDictionary(q => q.Key, q => q.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        var operation = await action.StartAsync(new ServiceActionRequest(service, body, c.ApiVersion(), query), c.RequestAborted);
        c.Response.Headers.Location = ArmLinks.OperationResult(c, service, operation.Id);
        c.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await c.Response.StatusAsync(202);
    }

    private async Task GetAsync(HttpContext c, ServiceRef service, string operationId)
    {
        var op = await operations.GetAsync(operationId, c.RequestAborted);
        if (op is null || op.ServiceKey != service.Key)
        {
            throw ArmErrors.OperationNotFound(operationId);
        }

        // Azure-AsyncOperation style: a status document.
        if (c.Request.Query.ContainsKey("asyncResponse"))
        {
            await c.Response.JsonAsync(200, StatusDocument(op));
            return;
        }

        // Location style: 202 while running, the service when done, the ARM error when failed.
        switch (op.Status)
        {
            case OperationStatus.Running:
                c.Response.Headers.Location = $"{c.Request.BaseUrl()}{c.Request.Path}{c.Request.QueryString}";
                c.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                await c.Response.StatusAsync(202);
                break;
            case OperationStatus.Succeeded when (op.Result?["body"] is JsonObject body):
                await c.Response.JsonAsync(200, body.DeepClone());
                break;
            case OperationStatus.Succeeded:
                var row = await services.RequireAsync(service, c.RequestAborted);
                await c.Response.JsonAsync(200, services.Render(service, row), row.ETag);
                break;
            default:
                throw OperationFailure.FromJson(op.Error ?? []);
        }
    }

    private async Task ListAsync(HttpContext c, ServiceRef service)
    {
        await services.RequireAsync(service, c.RequestAborted);
        var ops = await operations.ListAsync(service.Key, 50, c.RequestAborted);
        await c.Response.JsonAsync(200, ArmResponse.Page(ops.Select(o => (JsonNode)StatusDocument(o)), ops.Count, null));
    }

    /// <summary>The ARM async-operation status document, plus OpenApim's kind, progress and result summary.</summary>
    private static JsonObject StatusDocument(OperationRecord op)
    {
        var doc = new JsonObject
        {
            ["id"] = $"{op.ServiceId}/operationresults/{op.Id}",
            ["name"] = op.Id,
            ["status"] = op.Status switch { OperationStatus.Running => "InProgress", var s => s.ToString() },
            ["startTime"] = op.CreatedAt.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
            ["kind"] = op.Kind,
        };
        if (op.EndedAt is { } ended)
        {
            doc["endTime"] = ended.ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        }

        if (op.Progress is not null && op.Status == OperationStatus.Running)
        {
            doc["progress"] = op.Progress.DeepClone();
        }

        if (op.Result?["summary"] is JsonNode summary)
        {
            doc["properties"] = summary.DeepClone();
        }

        if (op.Error is not null)
        {
            doc["error"] = new JsonObject
            {
                ["code"] = op.Error["code"]?.DeepClone(),
                ["message"] = op.Error["message"]?.DeepClone(),
                ["details"] = op.Error["details"]?.DeepClone(),
            };
        }

        return doc;
    }
}
