using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using OpenApim.Http;
using OpenApim.Identity.Access;
using OpenApim.Resources.Arm;
using OpenApim.Resources.Hosting;
using OpenApim.Resources.Store.Journal;

namespace OpenApim.Management.Changes;

/// <summary>
/// ARM's activity log (<c>Microsoft.Insights/eventtypes/management/values</c>) over the change journal: one
/// Administrative event per change of an API Management service, a role assignment or a resource group, newest first, in
/// ARM's EventData shape, so <c>az monitor activity-log list</c> shows who changed what.
/// </summary>
internal sealed class ActivityLogEndpoints(IChangeJournal journal, Deployment deployment)
{
    private const int PageSize = 200;

    public static void Map(RouteGroupBuilder subscription) =>
        subscription.MapGet("/providers/Microsoft.Insights/eventtypes/management/values", (HttpContext c, string subscriptionId, ActivityLogEndpoints h) =>
            h.ListAsync(c, subscriptionId));

    private async Task ListAsync(HttpContext c, string subscriptionId)
    {
        ServiceRef.ValidateSubscription(subscriptionId);
        var filter = ActivityLogFilter.Parse(c.Request.Query("$filter"));
        var prefix = filter.Get("resourceGroupName") is { } group
            ? $"/subscriptions/{subscriptionId}/resourcegroups/{group}/"
            : $"/subscriptions/{subscriptionId}/";
        var before = long.TryParse(c.Request.Query("$skiptoken"), NumberStyles.None, CultureInfo.InvariantCulture, out var token) ? token : long.MaxValue;

        var events = new List<JsonNode>();
        var last = before;
        var exhausted = false;
        while (events.Count < PageSize && !exhausted)
        {
            var batch = await journal.ReadNewestAsync(prefix.ToLowerInvariant(), filter.Since, filter.Until, last, PageSize, c.RequestAborted);
            exhausted = batch.Count < PageSize;
            foreach (var entry in batch)
            {
                last = entry.Sequence;
                if (Event(entry, subscriptionId) is { } e && Matches(e, filter))
                {
                    events.Add(e);
                }
            }
        }

        var body = new JsonObject { ["value"] = new JsonArray([.. events]) };
        if (!exhausted)
        {
            body["nextLink"] = $"{c.Request.BaseUrl()}/subscriptions/{subscriptionId}/providers/Microsoft.Insights/eventtypes/management/values" +
                $"?api-version={c.ApiVersion()}&$filter={Uri.EscapeDataString(c.Request.Query("$filter")!)}&$skiptoken={last}";
        }

        await c.Response.JsonAsync(200, body);
    }

    /// <summary>What an event says about the resource a record changed: its id, where it lives, and the request that changed it.</summary>
    private sealed record Source(string ResourceId, string SubscriptionId, string? ResourceGroup, string Method, string ActionPath);

    /// <summary>
    /// A service's record, or a directory record journaled under an ARM resource id (role assignments, resource groups);
    /// null for records no subscription's log shows (app registrations and users are Entra's audit log, not ARM's).
    /// </summary>
    private static Source? SourceOf(JournalEntry entry)
    {
        if (entry.ServiceId is not null)
        {
            var service = ServiceRef.FromId(entry.ServiceId);
            var resourceId = entry.RelativeId.Length == 0 ? service.Id : $"{service.Id}/{entry.RelativeId}";
            // The ARM action of the request that made the change, derived from its method and path as for authorisation.
            var (method, path) = entry.Operation switch
            {
                ChangeOperation.Upsert or ChangeOperation.Undelete => ("PUT", resourceId),
                ChangeOperation.Delete or ChangeOperation.SoftDelete => ("DELETE", resourceId),
                ChangeOperation.Restore => ("POST", $"{service.Id}/restore"),
                ChangeOperation.Purge => ("DELETE", $"/subscriptions/{service.SubscriptionId}/providers/Microsoft.ApiManagement/locations/{{location}}/deletedservices/{service.Name}"),
                _ => ("POST", $"{resourceId}/{entry.Operation}"),
            };
            return new Source(resourceId, service.SubscriptionId, service.ResourceGroup, method, path);
        }

        if (entry.Body?["resourceId"].Text() is not { } id || id.Split('/') is not ["", var subscriptions, var subscription, ..] parts
            || !subscriptions.Equals("subscriptions", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var group = parts.Length > 4 && parts[3].Equals("resourceGroups", StringComparison.OrdinalIgnoreCase) ? parts[4] : null;
        return new Source(id, subscription, group, entry.Operation == ChangeOperation.Delete ? "DELETE" : "PUT", id);
    }

    private JsonObject? Event(JournalEntry entry, string subscriptionId)
    {
        if (SourceOf(entry) is not { } source || !source.SubscriptionId.Equals(subscriptionId, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var resourceId = source.ResourceId;
        var action = ArmAction.From(source.Method, source.ActionPath).Action;
        var read = ArmAction.From("GET", resourceId).Action;
        var resourceType = read[..read.LastIndexOf('/')];
        var provider = resourceType[..resourceType.IndexOf('/')];
        var id = entry.Sequence.ToString(CultureInfo.InvariantCulture);
        var at = entry.At.UtcDateTime.ToString("O", CultureInfo.InvariantCulture);
        var caller = entry.Actor?.AppId ?? entry.Actor?.ObjectId ?? "OpenApim";
        return new JsonObject
        {
            ["authorization"] = new JsonObject { ["action"] = action, ["scope"] = resourceId },
            ["caller"] = caller,
            ["channels"] = "Operation",
            ["claims"] = new JsonObject { ["appid"] = entry.Actor?.AppId, ["http://schemas.microsoft.com/identity/claims/objectidentifier"] = entry.Actor?.ObjectId },
            ["correlationId"] = entry.Actor?.RequestId ?? id,
            ["description"] = "",
            ["eventDataId"] = id,
            ["eventName"] = new JsonObject { ["value"] = "EndRequest", ["localizedValue"] = "End request" },
            ["category"] = new JsonObject { ["value"] = "Administrative", ["localizedValue"] = "Administrative" },
            ["eventTimestamp"] = at,
            ["id"] = $"{resourceId}/events/{id}/ticks/{entry.At.UtcTicks}",
            ["level"] = "Informational",
            ["operationId"] = entry.Actor?.RequestId ?? id,
            ["operationName"] = new JsonObject { ["value"] = action, ["localizedValue"] = action },
            ["resourceGroupName"] = source.ResourceGroup ?? "",
            ["resourceProviderName"] = new JsonObject { ["value"] = provider, ["localizedValue"] = provider },
            ["resourceType"] = new JsonObject { ["value"] = resourceType, ["localizedValue"] = resourceType },
            ["resourceId"] = resourceId,
            ["status"] = new JsonObject { ["value"] = "Succeeded", ["localizedValue"] = "Succeeded" },
            ["subStatus"] = new JsonObject { ["value"] = "", ["localizedValue"] = "" },
            ["submissionTimestamp"] = at,
            ["subscriptionId"] = subscriptionId,
            ["tenantId"] = deployment.TenantId,
            ["httpRequest"] = new JsonObject { ["clientRequestId"] = entry.Actor?.RequestId, ["clientIpAddress"] = entry.Actor?.ClientAddress, ["method"] = source.Method },
            ["properties"] = new JsonObject { ["statusCode"] = "OK", ["eventCategory"] = "Administrative", ["entity"] = resourceId },
        };
    }

    private static bool Matches(JsonObject e, ActivityLogFilter filter) =>
        Same(filter.Get("resourceGroupName"), e["resourceGroupName"].Text())
        && Same(filter.Get("resourceId") ?? filter.Get("resourceUri"), e["resourceId"].Text())
        && Same(filter.Get("resourceProvider"), e["resourceProviderName"]?["value"].Text())
        && Same(filter.Get("caller"), e["caller"].Text())
        && Same(filter.Get("correlationId"), e["correlationId"].Text())
        && Same(filter.Get("status"), "Succeeded");

    private static bool Same(string? wanted, string? actual) => wanted is null || string.Equals(wanted, actual, StringComparison.OrdinalIgnoreCase);
}
