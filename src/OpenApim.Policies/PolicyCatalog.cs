using System.Globalization;
using System.Net;

namespace OpenApim.Policies;

/// <summary>
/// Every policy OpenApim runs, with the sections it may appear in, its attributes and children. A
/// document is checked against it when saved: unknown elements, missing or malformed attributes and
/// unsupported expressions are reported with the element and line, never silently ignored.
/// </summary>
public static class PolicyCatalog
{
    private const string In = "inbound", Back = "backend", Out = "outbound", Err = "on-error";

    private sealed record Spec(string[] Sections, string[] Required, string[] Optional, string[] Children, Func<PolicyElement, IEnumerable<string>>? Check = null);

    private static readonly Dictionary<string, Spec> Specs = new(StringComparer.Ordinal)
    {
        ["base"] = new([In, Back, Out, Err], [], [], []),
        ["set-header"] = new([In, Back, Out, Err], ["name"], ["exists-action"], ["value"], e => OneOf(e, "exists-action", "override", "skip", "append", "delete")),
        ["set-query-parameter"] = new([In, Back], ["name"], ["exists-action"], ["value"], e => OneOf(e, "exists-action", "override", "skip", "append", "delete")),
        ["rewrite-uri"] = new([In], ["template"], ["copy-unmatched-params"], [], e => Bool(e, "copy-unmatched-params")),
        ["set-backend-service"] = new([In, Back], [], ["base-url", "backend-id"], [], BackendService),
        ["set-method"] = new([In, Err], [], [], [], e => string.IsNullOrWhiteSpace(e.Text) ? [$"<set-method> needs the method as its text (line {e.Line})."] : []),
        ["rate-limit"] = new([In], ["calls", "renewal-period"], ["retry-after-header-name", "remaining-calls-header-name", "total-calls-header-name"], [],
            e => Positive(e, "calls").Concat(Positive(e, "renewal-period"))),
        ["rate-limit-by-key"] = new([In], ["calls", "renewal-period", "counter-key"], ["retry-after-header-name", "remaining-calls-header-name", "total-calls-header-name"], [],
            e => Positive(e, "calls").Concat(Positive(e, "renewal-period"))),
        ["quota"] = new([In], ["renewal-period"], ["calls", "bandwidth"], [], Quota),
        ["ip-filter"] = new([In], ["action"], [], ["address", "address-range"], IpFilter),
        ["check-header"] = new([In], ["name", "failed-check-httpcode", "failed-check-error-message"], ["ignore-case"], ["value"],
            e => Status(e, "failed-check-httpcode").Concat(Bool(e, "ignore-case"))),
        ["cors"] = new([In], [], ["allow-credentials", "terminate-unmatched-request"], ["allowed-origins", "allowed-methods", "allowed-headers", "expose-headers"], Cors),
        ["mock-response"] = new([In, Out, Err], [], ["status-code", "content-type"], [], e => Status(e, "status-code")),
        ["return-response"] = new([In, Out, Err], [], [], ["set-status", "set-header", "set-body"]),
        ["set-status"] = new([In, Out, Err], ["code"], ["reason"], [], e => Status(e, "code")),
        ["set-body"] = new([], [], ["template"], []),
        ["forward-request"] = new([Back], [], ["timeout", "follow-redirects"], [], e => Positive(e, "timeout").Concat(Bool(e, "follow-redirects"))),
    };

    /// <summary>Child elements whose shape is checked by their parent's spec.</summary>
    private static readonly Dictionary<string, string[]> ChildAttributes = new(StringComparer.Ordinal)
    {
        ["value"] = [],
        ["address"] = [],
        ["address-range"] = ["from", "to"],
        ["allowed-origins"] = [],
        ["allowed-methods"] = ["preflight-result-max-age"],
        ["allowed-headers"] = [],
        ["expose-headers"] = [],
        ["origin"] = [],
        ["method"] = [],
        ["header"] = [],
        ["set-status"] = ["code", "reason"],
        ["set-header"] = ["name", "exists-action"],
        ["set-body"] = ["template"],
    };

    public static IEnumerable<string> SupportedNames => Specs.Keys.Where(k => k != "base" && k != "set-body");

    /// <summary>Every problem of a parsed document; empty when it can run.</summary>
    public static List<string> Check(PolicySections document)
    {
        var problems = new List<string>();
        foreach (var section in PolicySections.Names)
        {
            var elements = document.Section(section);
            if (elements.Count(e => e.Name == "base") > 1)
            {
                problems.Add($"<base /> appears more than once in <{section}>.");
            }

            foreach (var element in elements)
            {
                CheckElement(element, section, problems);
            }
        }

        return problems;
    }

    private static void CheckElement(PolicyElement e, string section, List<string> problems)
    {
        if (!Specs.TryGetValue(e.Name, out var spec) || spec.Sections.Length == 0)
        {
            problems.Add(e.Name == "set-body"
                ? $"<set-body> is supported only inside <return-response> (line {e.Line})."
                : $"Unknown or unsupported policy <{e.Name}> (line {e.Line}); OpenApim runs: {string.Join(", ", SupportedNames)}.");
            return;
        }

        if (!spec.Sections.Contains(section))
        {
            problems.Add($"<{e.Name}> is not allowed in <{section}> (line {e.Line}); it belongs in {string.Join(" or ", spec.Sections.Select(s => $"<{s}>"))}.");
        }

        foreach (var required in spec.Required.Where(r => !e.Attributes.ContainsKey(r)))
        {
            problems.Add($"<{e.Name}> needs the attribute '{required}' (line {e.Line}).");
        }

        foreach (var unknown in e.Attributes.Keys.Where(a => !spec.Required.Contains(a) && !spec.Optional.Contains(a)))
        {
            problems.Add($"<{e.Name}> has an unknown or unsupported attribute '{unknown}' (line {e.Line}).");
        }

        foreach (var child in e.Children)
        {
            if (!spec.Children.Contains(child.Name))
            {
                problems.Add($"<{child.Name}> is not allowed inside <{e.Name}> (line {child.Line}).");
                continue;
            }

            CheckChild(child, problems);
        }

        problems.AddRange(spec.Check?.Invoke(e) ?? []);
        CheckExpressions(e, problems);
    }

    private static void CheckChild(PolicyElement child, List<string> problems)
    {
        if (Specs.TryGetValue(child.Name, out var spec) && child.Name is "set-status" or "set-header")
        {
            foreach (var required in spec.Required.Where(r => !child.Attributes.ContainsKey(r)))
            {
                problems.Add($"<{child.Name}> needs the attribute '{required}' (line {child.Line}).");
            }

            problems.AddRange(spec.Check?.Invoke(child) ?? []);
        }

        var allowed = ChildAttributes.GetValueOrDefault(child.Name, []);
        foreach (var unknown in child.Attributes.Keys.Where(a => !allowed.Contains(a)))
        {
            problems.Add($"<{child.Name}> has an unknown or unsupported attribute '{unknown}' (line {child.Line}).");
        }

        foreach (var grandchild in child.Children)
        {
            var ok = (child.Name, grandchild.Name) switch
            {
                ("allowed-origins", "origin") or ("allowed-methods", "method") or ("allowed-headers", "header") or ("expose-headers", "header") or ("set-header", "value") => true,
                _ => false,
            };
            if (!ok)
            {
                problems.Add($"<{grandchild.Name}> is not allowed inside <{child.Name}> (line {grandchild.Line}).");
            }
        }

        CheckExpressions(child, problems);
    }

    private static void CheckExpressions(PolicyElement e, List<string> problems)
    {
        foreach (var value in e.Attributes.Values.Append(e.Text).Where(PolicyExpressions.IsExpression))
        {
            if (PolicyExpressions.Parse(value) is null)
            {
                problems.Add(PolicyExpressions.Problem(value, e.Line));
            }
        }

        foreach (var child in e.Children.Where(c => c.Name is "value" or "origin" or "method" or "header" or "address"))
        {
            if (PolicyExpressions.IsExpression(child.Text) && PolicyExpressions.Parse(child.Text) is null)
            {
                problems.Add(PolicyExpressions.Problem(child.Text, child.Line));
            }
        }
    }

    private static IEnumerable<string> OneOf(PolicyElement e, string attribute, params string[] values) =>
        e.Attribute(attribute) is { } v && !values.Contains(v)
            ? [$"<{e.Name}> attribute '{attribute}' must be one of {string.Join(", ", values)}, not '{v}' (line {e.Line})."]
            : [];

    private static IEnumerable<string> Bool(PolicyElement e, string attribute) =>
        e.Attribute(attribute) is { } v && !bool.TryParse(v, out _)
            ? [$"<{e.Name}> attribute '{attribute}' must be true or false, not '{v}' (line {e.Line})."]
            : [];

    /// <summary>A problem when the attribute is present and not a positive whole number (required attributes are checked separately).</summary>
    private static IEnumerable<string> Positive(PolicyElement e, string attribute) =>
        e.Attribute(attribute) is { } v && !(long.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0)
            ? [$"<{e.Name}> attribute '{attribute}' must be a positive whole number, not '{v}' (line {e.Line})."]
            : [];

    private static IEnumerable<string> Status(PolicyElement e, string attribute) =>
        e.Attribute(attribute) is { } v && !(int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var code) && code is >= 100 and <= 599)
            ? [$"<{e.Name}> attribute '{attribute}' must be an HTTP status code, not '{v}' (line {e.Line})."]
            : [];

    private static IEnumerable<string> BackendService(PolicyElement e)
    {
        var url = e.Attribute("base-url");
        var id = e.Attribute("backend-id");
        if ((url is null) == (id is null))
        {
            yield return $"<set-backend-service> needs exactly one of 'base-url' or 'backend-id' (line {e.Line}).";
        }
        else if (url is not null && !PolicyExpressions.IsExpression(url) && !(Uri.TryCreate(url, UriKind.Absolute, out var u) && u.Scheme is "http" or "https"))
        {
            yield return $"<set-backend-service> 'base-url' must be an absolute http or https URL, not '{url}' (line {e.Line}).";
        }
    }

    private static IEnumerable<string> Quota(PolicyElement e)
    {
        if (e.Attribute("calls") is null && e.Attribute("bandwidth") is null)
        {
            yield return $"<quota> needs 'calls', 'bandwidth' or both (line {e.Line}).";
        }

        foreach (var p in Positive(e, "calls").Concat(Positive(e, "bandwidth")).Concat(Positive(e, "renewal-period")))
        {
            yield return p;
        }

        if (e.Children.Count > 0)
        {
            yield return $"<quota> limits per API or operation (child elements) are not supported (line {e.Line}).";
        }
    }

    private static IEnumerable<string> IpFilter(PolicyElement e)
    {
        foreach (var p in OneOf(e, "action", "allow", "forbid"))
        {
            yield return p;
        }

        foreach (var a in e.ChildrenNamed("address").Where(a => !IPAddress.TryParse(a.Text, out _)))
        {
            yield return $"<address> '{a.Text}' is not an IP address (line {a.Line}).";
        }

        foreach (var r in e.ChildrenNamed("address-range").Where(r => !IPAddress.TryParse(r.Attribute("from"), out _) || !IPAddress.TryParse(r.Attribute("to"), out _)))
        {
            yield return $"<address-range> needs IP addresses in 'from' and 'to' (line {r.Line}).";
        }
    }

    private static IEnumerable<string> Cors(PolicyElement e) =>
        Bool(e, "allow-credentials").Concat(Bool(e, "terminate-unmatched-request"))
            .Concat(e.ChildrenNamed("allowed-origins").Any() ? [] : [$"<cors> needs <allowed-origins> (line {e.Line})."]);

    /// <summary>The named values a document refers to as <c>{{name}}</c>.</summary>
    public static IEnumerable<string> NamedValueReferences(string xml)
    {
        var start = 0;
        while ((start = xml.IndexOf("{{", start, StringComparison.Ordinal)) >= 0)
        {
            var end = xml.IndexOf("}}", start + 2, StringComparison.Ordinal);
            if (end < 0)
            {
                yield break;
            }

            yield return xml[(start + 2)..end].Trim();
            start = end + 2;
        }
    }
}
