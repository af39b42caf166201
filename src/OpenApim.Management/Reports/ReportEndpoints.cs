using System.Text.Json.Nodes;
using System.Xml;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using OpenApim.Http;
using OpenApim.Management.Services;
using OpenApim.Resources.Arm;
using OpenApim.Resources.Usage;

using OpenApim.Resources.Kinds;
using OpenApim.Resources.Model;
namespace OpenApim.Management.Reports;

/// <summary>
/// <c>{service}/reports/{byApi|byOperation|byProduct|bySubscription|byUser|byTime}</c>: usage the gateway
/// recorded, aggregated over the filtered time range (per interval for byTime).
/// </summary>
internal sealed class ReportEndpoints(IUsageStore usage, ServiceReader services)
{
    private static readonly Dictionary<string, Func<UsageRecord, string>> Groupings = new(StringComparer.OrdinalIgnoreCase)
    {
        ["byApi"] = r => r.Api,
        ["byOperation"] = r => $"{r.Api}/{r.Operation}",
        ["byProduct"] = r => r.Product,
        ["bySubscription"] = r => r.Subscription,
        ["byUser"] = r => r.User,
        ["byTime"] = _ => "",
    };

    public static void Map(RouteGroupBuilder services) =>
        services.MapGet("/{serviceName}/reports/{reportType}", (HttpContext c, string subscriptionId, string resourceGroup, string serviceName, string reportType, ReportEndpoints h) =>
            h.GetAsync(c, ServiceRef.Parse(subscriptionId, resourceGroup, serviceName), reportType));

    private async Task GetAsync(HttpContext c, ServiceRef service, string reportType)
    {
        if (!Groupings.TryGetValue(reportType, out var group))
        {
            throw ArmErrors.InvalidResourceType($"{ServiceRef.ResourceType}/reports/{reportType}", c.ApiVersion());
        }

        await services.RequireAsync(service, c.RequestAborted);
        var filter = ReportFilter.Parse(c.Request.Query("$filter"));
        var interval = reportType.Equals("byTime", StringComparison.OrdinalIgnoreCase) ? Interval(c.Request.Query("interval")) : (TimeSpan?)null;
        var records = await usage.QueryAsync(service.Key, filter.From.ToUnixTimeSeconds() / 60, filter.To.ToUnixTimeSeconds() / 60, c.RequestAborted);
        var matching = records.Where(r => Matches(r, filter)).Where(r => reportType != "byProduct" || r.Product.Length > 0)
            .Where(r => reportType != "bySubscription" || r.Subscription.Length > 0).Where(r => reportType != "byUser" || r.User.Length > 0);

        var rows = interval is { } step
            ? matching.GroupBy(r => r.Minute * 60 / (long)step.TotalSeconds * (long)step.TotalSeconds)
                .OrderBy(g => g.Key)
                .Select(g => Row(g.ToList(), g.First(), reportType, DateTimeOffset.FromUnixTimeSeconds(g.Key), step))
            : matching.GroupBy(group).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => Row(g.ToList(), g.First(), reportType, null, null));
        var all = rows.ToList();
        var (top, skip) = c.Request.Paging();
        await c.Response.JsonAsync(200, ArmResponse.Page(all.Skip(skip).Take(top), all.Count, c.Request.NextLink(top, skip, all.Count)));
    }

    private static bool Matches(UsageRecord r, ReportFilter f) =>
        f.Dimensions.All(kv => kv.Key switch
        {
            "apiId" => string.Equals(r.Api, kv.Value, StringComparison.OrdinalIgnoreCase),
            "operationId" => string.Equals(r.Operation, kv.Value, StringComparison.OrdinalIgnoreCase),
            "productId" => string.Equals(r.Product, kv.Value, StringComparison.OrdinalIgnoreCase),
            "subscriptionId" => string.Equals(r.Subscription, kv.Value, StringComparison.OrdinalIgnoreCase),
            "userId" => string.Equals(r.User, kv.Value, StringComparison.OrdinalIgnoreCase),
            _ => true,
        });

    private static JsonObject Row(List<UsageRecord> g, UsageRecord first, string reportType, DateTimeOffset? timestamp, TimeSpan? interval)
    {
        var total = g.Sum(r => r.Total);
        string? Id(ResourceKind kind, string value) => value.Length == 0 ? null : $"/{kind.Path}/{value}";
        var row = new JsonObject
        {
            ["name"] = reportType switch
            {
                "byApi" => first.Api,
                "byOperation" => first.Operation,
                "byProduct" => first.Product,
                "bySubscription" => first.Subscription,
                "byUser" => first.User,
                _ => null,
            },
        };
        if (timestamp is { } t)
        {
            row["timestamp"] = t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
            row["interval"] = XmlConvert.ToString(interval!.Value);
        }
        else
        {
            row["apiId"] = Id(KindCatalog.Apis, first.Api);
            row["operationId"] = reportType == "byOperation" ? $"/apis/{first.Api}/operations/{first.Operation}" : null;
            row["productId"] = reportType == "byProduct" ? Id(KindCatalog.Products, first.Product) : null;
            row["subscriptionId"] = reportType == "bySubscription" ? Id(KindCatalog.Subscriptions, first.Subscription) : null;
            row["userId"] = reportType is "bySubscription" or "byUser" ? Id(KindCatalog.Users, first.User) : null;
        }

        row["callCountSuccess"] = g.Sum(r => r.Success);
        row["callCountBlocked"] = g.Sum(r => r.Blocked);
        row["callCountFailed"] = g.Sum(r => r.Failed);
        row["callCountOther"] = g.Sum(r => r.Other);
        row["callCountTotal"] = total;
        row["bandwidth"] = g.Sum(r => r.Bandwidth);
        row["cacheHitCount"] = 0;
        row["cacheMissCount"] = 0;
        row["apiTimeAvg"] = total == 0 ? 0 : Math.Round(g.Sum(r => r.ApiTimeSum) / total, 3);
        row["apiTimeMin"] = Math.Round(g.Min(r => r.ApiTimeMin), 3);
        row["apiTimeMax"] = Math.Round(g.Max(r => r.ApiTimeMax), 3);
        row["serviceTimeAvg"] = total == 0 ? 0 : Math.Round(g.Sum(r => r.ServiceTimeSum) / total, 3);
        row["serviceTimeMin"] = Math.Round(g.Min(r => r.ServiceTimeMin), 3);
        row["serviceTimeMax"] = Math.Round(g.Max(r => r.ServiceTimeMax), 3);
        return row;
    }

    private static TimeSpan Interval(string? text)
    {
        try
        {
            var interval = text is null ? throw new FormatException() : XmlConvert.ToTimeSpan(text);
            return interval.TotalMinutes >= 1 && interval.TotalMinutes % 1 == 0
                ? interval
                : throw ArmErrors.Validation("interval", "'interval' must be whole minutes (ISO 8601, e.g. PT15M).");
        }
        catch (FormatException)
        {
            throw ArmErrors.Validation("interval", "byTime needs 'interval' as an ISO 8601 duration, e.g. PT15M.");
        }
    }
}
