using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Http;
using OpenApim.Resources.Arm;

namespace OpenApim.Identity.Access;

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
