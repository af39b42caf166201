namespace OpenApim.Identity.Access;

/// <summary>
/// The one definition of an ARM scope for authorisation: <c>/</c> (the tenant), or a resource id
/// made of type/name pairs that starts with <c>subscriptions/{guid}</c>, where
/// <c>providers/{namespace}</c> counts as a pair but cannot be the last one. Role assignments are
/// created only at such scopes, and only such a prefix is split off a
/// <c>.../providers/Microsoft.Authorization/...</c> path.
/// </summary>
internal static class ArmScope
{
    public const string Tenant = "/";

    /// <summary>The scope in canonical form (single slashes, no trailing slash), or null when it is not well-formed.</summary>
    public static string? Parse(string scope)
    {
        var segments = scope.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments.Length == 0)
        {
            return Tenant;
        }

        if (segments.Length % 2 != 0
            || !segments[0].Equals("subscriptions", StringComparison.OrdinalIgnoreCase)
            || !Guid.TryParse(segments[1], out _)
            || segments[^2].Equals("providers", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        return "/" + string.Join('/', segments);
    }

    /// <summary>True when an assignment at <paramref name="assignmentScope"/> applies to <paramref name="scope"/> (same or an ancestor, by whole segments).</summary>
    public static bool Covers(string assignmentScope, string scope)
    {
        var a = assignmentScope.TrimEnd('/');
        if (a.Length == 0)
        {
            return true;
        }

        return scope.StartsWith(a, StringComparison.OrdinalIgnoreCase) && (scope.Length == a.Length || scope[a.Length] == '/');
    }
}
