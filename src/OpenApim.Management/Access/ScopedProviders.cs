using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using OpenApim.Identity.Access;

namespace OpenApim.Management.Access;

/// <summary>
/// Microsoft.Authorization lives under every scope (<c>/</c>, a subscription, a resource group, a
/// service, an API ...). Before routing, <c>{scope}/providers/Microsoft.Authorization/...</c> is
/// rewritten to <c>/providers/Microsoft.Authorization/...</c> with the scope kept aside, so one set
/// of routes serves every scope; authorisation still sees the path the caller sent.
/// </summary>
public static class ScopedProviders
{
    private const string ScopeItem = "openapim.arm-scope";
    private const string Marker = "/providers/Microsoft.Authorization/";

    public static IApplicationBuilder UseScopedProviders(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        var path = context.Request.Path.Value ?? "";
        var at = path.IndexOf(Marker, StringComparison.OrdinalIgnoreCase);
        if (at > 0)
        {
            context.Items[ArmAccessHandler.OriginalPathItem] = path;
            // Some clients build "/{scope}/providers/..." from a scope that already starts with "/".
            context.Items[ScopeItem] = "/" + string.Join('/', path[..at].Split('/', StringSplitOptions.RemoveEmptyEntries));
            context.Request.Path = path[at..];
        }

        return next(context);
    });

    /// <summary>The scope a Microsoft.Authorization request was sent to ("/" for the tenant).</summary>
    public static string Scope(this HttpContext context) => context.Items[ScopeItem] as string ?? "/";
}
