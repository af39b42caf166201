using System.Collections.Frozen;
using OpenApim.Gateway.Runtime;
using OpenApim.Policies;
using OpenApim.Resources.Hosting;
using OpenApim.Resources.Kinds;
using OpenApim.Resources.Model;

namespace OpenApim.Gateway.Configuration;

/// <summary>
/// Builds a service's <see cref="ServiceRuntime"/> from its cached configuration records (everything but subscriptions and
/// users, whose key index is kept by <see cref="KeyIndex"/>). Policies are parsed through a cache kept between builds.
/// </summary>
internal static class RuntimeBuilder
{
    public static ServiceRuntime Build(
        string serviceKey, string serviceName, IEnumerable<GatewayRecord> records, LayeredMap<SubscriptionRuntime> keys, LayeredMap<string> users, Deployment deployment, PolicyCache cache)
    {
        var all = records.ToList();
        var namedValues = First(all.OfType<NamedValueRecord>(), n => n.DisplayName, n => n.Value);
        var policies = all.OfType<PolicyRecord>().ToLookup(p => (p.Kind, string.Join('/', p.Owner).ToLowerInvariant()));
        PolicySections PolicyOf(ResourceKind kind, params string[] owner) =>
            policies[(kind, string.Join('/', owner).ToLowerInvariant())].FirstOrDefault() is { } p ? Parse(p.Xml, namedValues, cache) : PolicySections.Inherit;

        var productApis = all.OfType<ProductApiRecord>().ToLookup(l => l.Product, l => l.Api, StringComparer.OrdinalIgnoreCase);
        var products = First(all.OfType<ProductRecord>(), p => p.Name, p => new ProductRuntime(p.Name, p.State, p.SubscriptionRequired, PolicyOf(KindCatalog.ProductPolicies, p.Name)));
        var publishedProductsOfApi = products.Values.Where(p => p.State == "published")
            .SelectMany(p => productApis[p.Name].Distinct(StringComparer.OrdinalIgnoreCase).Select(api => (Api: api, Product: p)))
            .ToLookup(x => x.Api, x => x.Product, StringComparer.OrdinalIgnoreCase);

        var versionSets = First(all.OfType<VersionSetRecord>(), v => v.Name, v => v);
        var operations = all.OfType<OperationRecord>().ToLookup(o => o.Api, StringComparer.OrdinalIgnoreCase);
        ApiRuntime Runtime(ApiRecord a)
        {
            var apiId = ApiRevisionName.Parse(a.Name).Api;
            return new ApiRuntime
            {
                Name = a.Name,
                ApiId = apiId,
                Path = a.Path.Trim('/'),
                ServiceUrl = a.ServiceUrl,
                SubscriptionRequired = a.SubscriptionRequired,
                KeyHeader = a.KeyHeader,
                KeyQuery = a.KeyQuery,
                Versioning = a.VersionSet is { } vs && versionSets.TryGetValue(vs, out var set)
                    ? new VersioningRuntime(set.Scheme, set.Scheme == "Query" ? set.QueryName : set.HeaderName)
                    : null,
                ApiVersion = a.ApiVersion,
                Policy = PolicyOf(KindCatalog.ApiPolicies, a.Name),
                Products = [.. publishedProductsOfApi[apiId]],
                Operations = [.. operations[a.Name]
                    .Select(o => new OperationRuntime
                    {
                        Name = o.Name,
                        Method = o.Method.ToUpperInvariant(),
                        Template = new UrlTemplate(o.UrlTemplate),
                        Policy = PolicyOf(KindCatalog.ApiOperationPolicies, o.Api, o.Name),
                    })
                    .OrderByDescending(o => o.Template.Specificity)],
            };
        }

        // Each revision is built once. The current one answers on its path and on "{path};rev={n}" (one runtime, two
        // paths); every other revision only on the latter.
        var apis = all.OfType<ApiRecord>()
            .SelectMany(a =>
            {
                var runtime = Runtime(a);
                var byRevision = runtime with { Path = ApiRevisionName.Of(runtime.Path, a.Revision) };
                return a.IsCurrent ? [runtime, byRevision] : new[] { byRevision };
            })
            .OrderByDescending(a => a.Path.Length)
            .ThenBy(a => a.ApiVersion is null)
            .ToArray();

        var backends = First(all.OfType<BackendRecord>(), b => b.Name, b => new BackendRuntime(b.Name, b.Url, b.Headers, b.Query, b.Authorization));
        var hosts = new List<string> { deployment.GatewayHost(serviceName) };
        hosts.AddRange(all.OfType<ServiceRecord>().SelectMany(s => s.ProxyHosts).Select(h => h.ToLowerInvariant()));
        var runtime = new ServiceRuntime
        {
            Key = serviceKey,
            Name = serviceName,
            Hosts = [.. hosts.Distinct(StringComparer.OrdinalIgnoreCase)],
            Apis = apis,
            ApisByFirstSegment = apis.Where(a => a.Path.Length > 0)
                .GroupBy(a => a.Path.Split('/')[0], StringComparer.OrdinalIgnoreCase)
                .ToFrozenDictionary(g => g.Key, g => g.ToArray(), StringComparer.OrdinalIgnoreCase),
            RootApis = [.. apis.Where(a => a.Path.Length == 0)],
            Keys = keys,
            Products = products,
            Backends = backends,
            UserStates = users,
            GlobalPolicy = PolicyOf(KindCatalog.ServicePolicies),
        };
        cache.Complete();
        return runtime;
    }

    /// <summary>A dictionary by name (case-insensitive) that keeps the first of any duplicates instead of throwing.</summary>
    private static Dictionary<string, TValue> First<TRecord, TValue>(IEnumerable<TRecord> records, Func<TRecord, string> name, Func<TRecord, TValue> value)
    {
        var result = new Dictionary<string, TValue>(StringComparer.OrdinalIgnoreCase);
        foreach (var record in records)
        {
            result.TryAdd(name(record), value(record));
        }

        return result;
    }

    /// <summary>Resolves <c>{{named values}}</c> and parses; a document that cannot run becomes one that fails every request.</summary>
    private static PolicySections Parse(string xml, Dictionary<string, string> namedValues, PolicyCache cache)
    {
        var resolved = xml;
        foreach (var name in PolicyCatalog.NamedValueReferences(xml).Distinct())
        {
            if (namedValues.TryGetValue(name, out var value))
            {
                resolved = resolved.Replace("{{" + name + "}}", value, StringComparison.Ordinal);
            }
        }

        return cache.Get(resolved, static text =>
        {
            try
            {
                var parsed = PolicySections.Parse(text);
                var problems = PolicyCatalog.Check(parsed);
                return problems.Count == 0 ? parsed : Broken(problems[0]);
            }
            catch (PolicyException e)
            {
                return Broken(e.Message);
            }
        });
    }

    private static PolicySections Broken(string why)
    {
        var element = new PolicyElement(Policies.PolicyCompiler.BrokenElement, new Dictionary<string, string>(), [], why, 0);
        return new PolicySections([element], [], [], []);
    }
}
