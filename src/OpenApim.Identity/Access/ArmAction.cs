namespace OpenApim.Identity.Access;

/// <summary>
/// The ARM action a request performs and the scope it performs it over, derived from its method and
/// path the way Azure Resource Manager does: the provider namespace, the resource types of the
/// type/name pairs after it, and <c>read</c>, <c>write</c>, <c>delete</c> or <c>{name}/action</c>.
/// <c>DELETE .../service/s1</c> is <c>Microsoft.ApiManagement/service/delete</c> over <c>.../service/s1</c>;
/// <c>POST .../service/s1/backup</c> is <c>Microsoft.ApiManagement/service/backup/action</c> over <c>.../service/s1</c>.
/// </summary>
public readonly record struct ArmAction(string Action, string Scope)
{
    /// <summary>Actions any authenticated caller may perform (Azure lets every principal read them).</summary>
    private static readonly HashSet<string> Open = new(StringComparer.OrdinalIgnoreCase)
    {
        "Microsoft.ApiManagement/operations/read",
        "Microsoft.Resources/subscriptions/read",
        "Microsoft.Resources/subscriptions/providers/read",
        "Microsoft.Resources/subscriptions/locations/read",
        "Microsoft.Resources/tenants/read",
        "Microsoft.Authorization/permissions/read",
    };

    public bool IsOpen => Open.Contains(Action);

    public static ArmAction From(string method, string path)
    {
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var provider = LastProvider(segments);
        string ns;
        int first;
        if (provider >= 0 && provider + 1 < segments.Length)
        {
            ns = segments[provider + 1];
            first = provider + 2;
        }
        else
        {
            ns = "Microsoft.Resources";
            first = 0;
        }

        var rest = segments[first..];
        if (rest.Length == 0)
        {
            // GET /subscriptions/{id}/providers/{namespace}: the provider's registration.
            return new ArmAction("Microsoft.Resources/subscriptions/providers/read", ScopeOf(segments[..Math.Max(provider, 0)]));
        }

        var types = new List<string>();
        for (var i = 0; i < rest.Length; i += 2)
        {
            types.Add(rest[i]);
        }

        var isAction = rest.Length % 2 == 1 && HttpMethodsEqual(method, "POST");
        if (isAction)
        {
            // The last segment names the action; the scope is the resource it acts on.
            var name = types[^1];
            types.RemoveAt(types.Count - 1);
            var prefix = types.Count == 0 ? ns : $"{ns}/{string.Join('/', types)}";
            return new ArmAction($"{prefix}/{name}/action", ScopeOf(segments[..^1]));
        }

        var verb = method.ToUpperInvariant() switch
        {
            "GET" or "HEAD" => "read",
            "DELETE" => "delete",
            _ => "write",
        };
        // A collection (odd number of segments after the namespace) lives in the scope of its parent.
        return new ArmAction($"{ns}/{string.Join('/', types)}/{verb}", ScopeOf(rest.Length % 2 == 1 ? segments[..^1] : segments));
    }

    /// <summary>The scope the segments name, without a trailing <c>providers/{namespace}</c> (which names no resource).</summary>
    private static string ScopeOf(string[] segments)
    {
        if (segments.Length >= 2 && segments.Length % 2 == 0 && string.Equals(segments[^2], "providers", StringComparison.OrdinalIgnoreCase))
        {
            segments = segments[..^2];
        }

        return "/" + string.Join('/', segments);
    }

    private static bool HttpMethodsEqual(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The index of the last <c>providers</c> segment in a type position (segments alternate type and
    /// name, and <c>providers/{namespace}</c> is a pair), so an entity named "providers" is not one.
    /// </summary>
    private static int LastProvider(string[] segments)
    {
        var found = -1;
        for (var i = 0; i + 1 < segments.Length; i += 2)
        {
            if (string.Equals(segments[i], "providers", StringComparison.OrdinalIgnoreCase))
            {
                found = i;
            }
        }

        return found;
    }
}
