using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using OpenApim.Resources.Arm;

namespace OpenApim.Http;

/// <summary>
/// Refuses (400) a request whose route value <paramref name="routeValue"/> is present but not a GUID, on
/// every method, before the handler runs: ids of app registrations and role assignments are GUIDs, and
/// nothing else may reach a look-up or a write.
/// </summary>
public sealed class GuidRouteValues(string routeValue, string what) : IEndpointFilter
{
    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        if (context.HttpContext.GetRouteValue(routeValue) is string value && !Guid.TryParse(value, out _))
        {
            throw ArmErrors.Validation("name", $"The {what} '{(value.Length > 80 ? value[..80] + "..." : value)}' is not valid: it must be a GUID such as 00000000-0000-0000-0000-000000000000.");
        }

        return next(context);
    }
}
