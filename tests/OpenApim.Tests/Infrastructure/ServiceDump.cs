using OpenApim.Resources.Kinds;
using OpenApim.Resources.Model;

namespace OpenApim.Tests.Infrastructure;

/// <summary>
/// Everything a client can read of a service through the API: every entity of every kind (walking
/// the kind tree), with the service's own id replaced by a placeholder so two services compare, and
/// every secret read through its POST action.
/// </summary>
public static class ServiceDump
{
    public static async Task<SortedDictionary<string, string>> ReadAsync(ArmClient arm, string servicePath, Func<ResourceKind, bool>? include = null)
    {
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        await WalkAsync(arm, servicePath, servicePath, null, include ?? (k => k.Backup != BackupScope.Excluded), result);
        return result;
    }

    private static async Task WalkAsync(ArmClient arm, string servicePath, string parentPath, ResourceKind? parentKind, Func<ResourceKind, bool> include, SortedDictionary<string, string> result)
    {
        foreach (var kind in KindCatalog.Children(parentKind).Where(include))
        {
            var next = $"{parentPath}/{kind.Segment}?$top=1000";
            while (next is not null)
            {
                var page = await arm.SendAsync(HttpMethod.Get, next, apiVersion: next.Contains("api-version", StringComparison.Ordinal) ? null : ArmClient.Version);
                Assert.True(page.Status == System.Net.HttpStatusCode.OK, $"list {next}: {page}");
                foreach (var item in page.Json["value"]!.AsArray())
                {
                    var name = item!["name"]!.GetValue<string>();
                    var path = $"{parentPath}/{kind.Segment}/{name}";
                    var relative = path[(servicePath.Length + 1)..];
                    var entity = Normalize(item.ToJsonString(), servicePath);
                    foreach (var action in kind.Actions.Keys.Where(a => a.StartsWith("list", StringComparison.OrdinalIgnoreCase)))
                    {
                        var secret = await arm.PostAsync($"{path}/{action}");
                        entity += $" {action}={secret.Body?.ToJsonString()}";
                    }

                    result[relative] = entity;
                    if (kind.LinkTarget is null)
                    {
                        await WalkAsync(arm, servicePath, path, kind, include, result);
                    }
                }

                next = page.Json["nextLink"]?.GetValue<string>();
            }
        }
    }

    private static string Normalize(string json, string servicePath) =>
        json.Replace(servicePath, "{service}", StringComparison.OrdinalIgnoreCase);
}
