using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace OpenApim.Identity.Access;

/// <summary>
/// Microsoft.Authorization lives under every scope (<c>/</c>, a subscription, a resource group, a
/// service, an API ...). Before routing, <c>{scope}/providers/Microsoft.Authorization/...</c> is
/// rewritten to <c>/providers/Microsoft.Authorization/...</c> with the scope kept aside, so one set
/// of routes serves every scope. Only a well-formed scope (<see cref="ArmScope"/>) is split off; any
/// other path is left alone and matches no route. Authorisation then checks the Microsoft.Authorization
/// action over that scope.
/// </summary>
internal static class ScopedProviders
{
    private const string Marker = "/providers/Microsoft.Authorization/";

    public static IApplicationBuilder UseScopedProviders(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        var path = context.Request.Path.Value ?? "";
        var at = path.IndexOf(Marker, StringComparison.OrdinalIgnoreCase);
        if (at >= 0 && ArmScope.Parse(path[..at]) is { } scope)
        {
            context.Features.Set(new ArmScopeFeature(scope));
            context.Request.Path = path[at..];
        }

        return next(context);
    });

    /// <summary>The scope a Microsoft.Authorization request was sent to ("/" for the tenant).</summary>
    public static string Scope(this HttpContext context) => context.Features.Get<ArmScopeFeature>()?.Scope ?? ArmScope.Tenant;
}
