using System.Security.Claims;

namespace OpenApim.Identity.Access;

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
