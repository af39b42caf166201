using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace OpenApim.Identity.Access;

/// <summary>Decides <see cref="ArmActionRequirement"/> from the caller's role assignments, read live (a revoked role stops working at once).</summary>
internal sealed partial class ArmAccessHandler(RoleAssignments assignments, ILogger<ArmAccessHandler> logger) : AuthorizationHandler<ArmActionRequirement, HttpContext>
{
    protected override async Task HandleRequirementAsync(AuthorizationHandlerContext context, ArmActionRequirement requirement, HttpContext resource)
    {
        if (context.User.Identity?.IsAuthenticated != true)
        {
            return;
        }

        var action = ArmAction.From(resource.Request.Method, resource.Request.Path.Value ?? "/");
        if (resource.Features.Get<ArmScopeFeature>() is { } scoped)
        {
            action = action with { Scope = scoped.Scope };
        }

        if (await assignments.AllowsAsync(context.User, action, resource.RequestAborted))
        {
            context.Succeed(requirement);
            return;
        }

        LogDenied(logger, Caller.Name(context.User), action.Action, action.Scope);
        resource.Features.Set(new ArmDenialFeature(action));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Denied {Client}: {Action} over {Scope}")]
    private static partial void LogDenied(ILogger logger, string client, string action, string scope);
}
