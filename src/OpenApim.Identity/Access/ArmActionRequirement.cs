using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using OpenApim.Resources.Arm;

namespace OpenApim.Identity.Access;

/// <summary>The caller must hold a role that allows the ARM action of the request over its scope.</summary>
internal sealed class ArmActionRequirement : IAuthorizationRequirement;

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

        if (await assignments.AllowsAsync(Caller.PrincipalIds(context.User), action, resource.RequestAborted))
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

/// <summary>Answers a denied request with ARM's 403 <c>AuthorizationFailed</c>, naming the client, the action and the scope.</summary>
internal sealed class ArmAccessDeniedHandler : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (authorizeResult.Forbidden && context.Features.Get<ArmDenialFeature>() is { Action: var denied })
        {
            throw ArmErrors.AuthorizationFailed(Caller.Name(context.User), Caller.ObjectId(context.User), denied.Action, denied.Scope);
        }

        return _default.HandleAsync(next, context, policy, authorizeResult);
    }
}

/// <summary>Who a validated token says the caller is.</summary>
public static class Caller
{
    /// <summary>The principal ids role assignments may name: the object id (or subject) and any group ids.</summary>
    public static IReadOnlyList<string> PrincipalIds(ClaimsPrincipal user) =>
        [.. new[] { ObjectId(user) }.Concat(user.FindAll("groups").Select(c => c.Value)).Where(v => v.Length > 0)];

    public static string ObjectId(ClaimsPrincipal user) => user.FindFirst("oid")?.Value ?? user.FindFirst("sub")?.Value ?? "";

    /// <summary>The client id for applications, else the subject.</summary>
    public static string Name(ClaimsPrincipal user) =>
        user.FindFirst("appid")?.Value ?? user.FindFirst("azp")?.Value ?? user.FindFirst("sub")?.Value ?? "unknown";
}
