using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using OpenApim.Resources.Store.Journal;

namespace OpenApim.Identity.Access;

/// <summary>Who a validated token says the caller is.</summary>
public static class Caller
{
    /// <summary>The principal ids role assignments may name: the object id (or subject) and any group ids.</summary>
    public static IReadOnlyList<string> PrincipalIds(ClaimsPrincipal user) =>
        [.. new[] { ObjectId(user) }.Concat(user.FindAll("groups").Select(c => c.Value)).Where(v => v.Length > 0)];

    public static string ObjectId(ClaimsPrincipal user) => user.FindFirst("oid")?.Value ?? user.FindFirst("sub")?.Value ?? "";

    /// <summary>The user name for people, the client id for applications, else the subject.</summary>
    public static string Name(ClaimsPrincipal user) =>
        user.FindFirst("preferred_username")?.Value ?? user.FindFirst("appid")?.Value ?? user.FindFirst("azp")?.Value ?? user.FindFirst("sub")?.Value ?? "unknown";

    /// <summary>The journal's view of the request's caller: object id, application id, client address, request id.</summary>
    public static ChangeActor Actor(HttpContext context)
    {
        var user = context.User;
        var authenticated = user.Identity?.IsAuthenticated == true;
        return new ChangeActor(
            authenticated ? NullIfEmpty(ObjectId(user)) : null,
            authenticated ? user.FindFirst("appid")?.Value ?? user.FindFirst("azp")?.Value : null,
            context.Connection.RemoteIpAddress?.ToString(),
            context.TraceIdentifier);
    }

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;
}
