using System.Text.Json.Nodes;
using OpenApim.Resources.Kinds;
using OpenApim.Resources.Model;

namespace OpenApim.Drills;

/// <summary>
/// Everything a client can read of a service through ARM: every entity of every kind a backup holds (walking the kind
/// tree), with the service's own id replaced so two services compare, and each entity's secrets read through its list*
/// action. Differences name the entity and the first JSON path that differs, never a secret's value.
/// </summary>
public sealed class ServiceSnapshot(SortedDictionary<string, (JsonNode Entity, JsonNode? Secrets)> entities)
{
    public int Count => entities.Count;

    public static async Task<ServiceSnapshot> ReadAsync(IDrillArm arm, string servicePath, CancellationToken ct)
    {
        var entities = new SortedDictionary<string, (JsonNode, JsonNode?)>(StringComparer.OrdinalIgnoreCase);
        var id = "/" + servicePath.TrimStart('/');
        await WalkAsync(arm, id, id, null, entities, ct);
        return new ServiceSnapshot(entities);
    }

    private static async Task WalkAsync(IDrillArm arm, string serviceId, string parent, ResourceKind? parentKind, SortedDictionary<string, (JsonNode, JsonNode?)> entities, CancellationToken ct)
    {
        foreach (var kind in KindCatalog.Children(parentKind).Where(k => k.Backup != BackupScope.Excluded))
        {
            List<JsonNode> items;
            try
            {
                items = await arm.ListAsync($"{parent}/{kind.Segment}", ct);
            }
            catch (DrillStepException e) when (e.Code is "InvalidResourceType" or "NoRegisteredProviderFound" or "Http404")
            {
                continue; // a collection this endpoint does not have (Azure lacks OpenApim's extensions)
            }

            foreach (var item in items)
            {
                var name = item["name"]!.GetValue<string>();
                var path = $"{parent}/{kind.Segment}/{Uri.EscapeDataString(name)}";
                JsonNode? secrets = null;
                foreach (var action in kind.Actions.Keys.Where(a => a.StartsWith("list", StringComparison.OrdinalIgnoreCase)))
                {
                    var body = await arm.PostAsync($"{path}/{action}", ct);
                    (secrets ??= new JsonObject())[action] = body?.DeepClone();
                }

                entities[path[(serviceId.Length + 1)..]] = (Normalize(item, serviceId), secrets);
                if (kind.LinkTarget is null)
                {
                    await WalkAsync(arm, serviceId, path, kind, entities, ct);
                }
            }
        }
    }

    private static JsonNode Normalize(JsonNode item, string serviceId) =>
        JsonNode.Parse(item.ToJsonString().Replace(serviceId, "{service}", StringComparison.OrdinalIgnoreCase))!;

    /// <summary>What differs between this (the primary) and <paramref name="standby"/>: missing, extra and changed entities.</summary>
    public List<string> Differences(ServiceSnapshot standby, int max = 100)
    {
        var differences = new List<string>();
        foreach (var (path, (entity, secrets)) in entities)
        {
            if (!standby.Entities.TryGetValue(path, out var other))
            {
                differences.Add($"missing on the standby: {path}");
            }
            else if (FirstDifference(entity, other.Entity, "") is { } where)
            {
                differences.Add($"differs: {path} ({(where.Length == 0 ? "the whole entity" : where)})");
            }
            else if (!JsonNode.DeepEquals(secrets, other.Secrets))
            {
                differences.Add($"differs: {path} (its secrets: {string.Join(", ", secrets?.AsObject().Select(kv => kv.Key) ?? [])})");
            }
        }

        differences.AddRange(standby.Entities.Keys.Where(k => !entities.ContainsKey(k)).Select(k => $"only on the standby: {k}"));
        return differences.Count > max ? [.. differences.Take(max), $"... and {differences.Count - max} more"] : differences;
    }

    private SortedDictionary<string, (JsonNode Entity, JsonNode? Secrets)> Entities => entities;

    /// <summary>The first JSON path whose values differ (the path only: values may be secrets).</summary>
    private static string? FirstDifference(JsonNode? a, JsonNode? b, string at)
    {
        if (a is JsonObject x && b is JsonObject y)
        {
            foreach (var key in x.Select(kv => kv.Key).Union(y.Select(kv => kv.Key)))
            {
                if (FirstDifference(x[key], y[key], at.Length == 0 ? key : $"{at}.{key}") is { } found)
                {
                    return found;
                }
            }

            return null;
        }

        return JsonNode.DeepEquals(a, b) ? null : at;
    }
}
