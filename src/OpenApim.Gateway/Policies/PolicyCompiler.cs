using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Runtime.CompilerServices;
using OpenApim.Gateway.Runtime;
using OpenApim.Policies;

namespace OpenApim.Gateway.Policies;

/// <summary>
/// Composes the global, product, API and operation policies (each scope's <c>&lt;base /&gt;</c> stands for
/// its parent's section; a scope without <c>&lt;base /&gt;</c> replaces it) and compiles the result once per
/// operation and product.
/// </summary>
internal sealed class PolicyCompiler(Counters counters)
{
    public const string BrokenElement = "__broken";

    // Pipelines per operation and product ('' = no product), built on first use. They live as long as the operation's
    // runtime: a configuration change builds new runtimes, and the old ones and their pipelines are collected together.
    private readonly ConditionalWeakTable<OperationRuntime, ConcurrentDictionary<string, CompiledPipeline>> _pipelines = [];

    public CompiledPipeline For(ServiceRuntime service, ApiRuntime api, OperationRuntime operation, ProductRuntime? product) =>
        _pipelines.GetOrCreateValue(operation).GetOrAdd(product?.Name ?? "", static (_, s) => s.Compiler.Build(s.Service, s.Api, s.Operation, s.Product), (Compiler: this, Service: service, Api: api, Operation: operation, Product: product));

    private CompiledPipeline Build(ServiceRuntime service, ApiRuntime api, OperationRuntime operation, ProductRuntime? product)
    {
        var scopes = new List<(string Id, PolicySections Policy)> { ("global", service.GlobalPolicy) };
        if (product is not null)
        {
            scopes.Add(($"product:{product.Name}", product.Policy));
        }

        scopes.Add(($"api:{api.Name}", api.Policy));
        scopes.Add(($"operation:{api.Name}/{operation.Name}", operation.Policy));
        return new CompiledPipeline(
            Compile(service.Key, scopes, "inbound"),
            Compile(service.Key, scopes, "backend"),
            Compile(service.Key, scopes, "outbound"),
            Compile(service.Key, scopes, "on-error"));
    }

    private IPolicyStep[] Compile(string serviceKey, List<(string Id, PolicySections Policy)> scopes, string section)
    {
        var steps = new List<IPolicyStep>();
        Expand(scopes.Count - 1);
        return [.. steps];

        void Expand(int level)
        {
            var (id, policy) = scopes[level];
            foreach (var element in policy.Section(section))
            {
                if (element.Name == "base")
                {
                    if (level > 0)
                    {
                        Expand(level - 1);
                    }
                }
                else
                {
                    steps.Add(Step(element, section, $"{serviceKey}|{id}:{section}:{element.Line}:{element.Name}"));
                }
            }
        }
    }

    private IPolicyStep Step(PolicyElement e, string section, string id)
    {
        var onResponse = section is "outbound" or "on-error";
        try
        {
            return e.Name switch
            {
                BrokenElement => new BrokenStep(e.Text),
                "set-header" => new SetHeaderStep(e.Attribute("name")!, e.Attribute("exists-action") ?? "override", Values(e), onResponse),
                "set-query-parameter" => new SetQueryParameterStep(e.Attribute("name")!, e.Attribute("exists-action") ?? "override", Values(e)),
                "rewrite-uri" => new RewriteUriStep(e.Attribute("template")!, !bool.TryParse(e.Attribute("copy-unmatched-params"), out var copy) || copy),
                "set-backend-service" => new SetBackendServiceStep(e.Attribute("base-url") is { } url ? PolicyValues.Compile(url) : null, e.Attribute("backend-id")),
                "set-method" => new SetMethodStep(e.Text),
                "forward-request" => new ForwardRequestStep(e.Attribute("timeout") is { } t ? TimeSpan.FromSeconds(int.Parse(t, CultureInfo.InvariantCulture)) : null),
                "set-status" => new SetStatusStep(Int(e, "code"), e.Attribute("reason")),
                "rate-limit" or "rate-limit-by-key" => new RateLimitStep(counters.For(id), Int(e, "calls"), TimeSpan.FromSeconds(Int(e, "renewal-period")),
                    e.Attribute("counter-key") is { } key ? PolicyValues.Compile(key) : null,
                    e.Attribute("retry-after-header-name"), e.Attribute("remaining-calls-header-name"), e.Attribute("total-calls-header-name")),
                "quota" => new QuotaStep(counters.For(id + "|calls"), counters.For(id + "|bytes"), e.Attribute("calls") is null ? null : Int(e, "calls"), e.Attribute("bandwidth") is null ? null : Int(e, "bandwidth"),
                    TimeSpan.FromSeconds(Int(e, "renewal-period"))),
                "ip-filter" => new IpFilterStep(e.Attribute("action") == "allow",
                    [.. e.ChildrenNamed("address").Select(a => IPAddress.Parse(a.Text))],
                    [.. e.ChildrenNamed("address-range").Select(r => (IPAddress.Parse(r.Attribute("from")!), IPAddress.Parse(r.Attribute("to")!)))]),
                "check-header" => new CheckHeaderStep(e.Attribute("name")!, Int(e, "failed-check-httpcode"), e.Attribute("failed-check-error-message")!,
                    bool.TryParse(e.Attribute("ignore-case"), out var ignore) && ignore, [.. e.ChildrenNamed("value").Select(v => v.Text)]),
                "cors" => Cors(e),
                "mock-response" => new ReturnResponseStep(e.Attribute("status-code") is null ? 200 : Int(e, "status-code"), null, e.Attribute("content-type") ?? "application/json", [], null),
                "return-response" => ReturnResponse(e),
                _ => new BrokenStep($"<{e.Name}> (line {e.Line}) is not supported."),
            };
        }
        catch (Exception ex) when (ex is PolicyException or FormatException)
        {
            return new BrokenStep($"<{e.Name}> (line {e.Line}): {ex.Message}");
        }
    }

    private static ReturnResponseStep ReturnResponse(PolicyElement e)
    {
        var status = e.ChildrenNamed("set-status").FirstOrDefault();
        var headers = e.ChildrenNamed("set-header")
            .Select(h => (h.Attribute("name")!, h.Attribute("exists-action") ?? "override", Values(h)))
            .ToArray();
        var body = e.ChildrenNamed("set-body").FirstOrDefault()?.Text;
        return new ReturnResponseStep(status is null ? 200 : Int(status, "code"), status?.Attribute("reason"), null, headers, body);
    }

    private static CorsStep Cors(PolicyElement e)
    {
        string[] List(string parent, string child) => [.. e.ChildrenNamed(parent).SelectMany(p => p.ChildrenNamed(child)).Select(c => c.Text)];
        var maxAge = e.ChildrenNamed("allowed-methods").FirstOrDefault()?.Attribute("preflight-result-max-age");
        return new CorsStep(List("allowed-origins", "origin"), List("allowed-methods", "method"), List("allowed-headers", "header"), List("expose-headers", "header"),
            bool.TryParse(e.Attribute("allow-credentials"), out var c) && c,
            maxAge is null ? null : int.Parse(maxAge, CultureInfo.InvariantCulture),
            !bool.TryParse(e.Attribute("terminate-unmatched-request"), out var t) || t);
    }

    private static Func<GatewayContext, string>[] Values(PolicyElement e) => [.. e.ChildrenNamed("value").Select(v => PolicyValues.Compile(v.Text))];

    private static int Int(PolicyElement e, string attribute) => int.Parse(e.Attribute(attribute)!, CultureInfo.InvariantCulture);
}
