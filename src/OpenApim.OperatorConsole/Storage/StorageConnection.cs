using Microsoft.Extensions.DependencyInjection;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;

namespace OpenApim.OperatorConsole.Storage;

/// <summary>
/// The container the user is working with (account, key, container), kept for the session in an encrypted, HTTP-only
/// cookie so the key is typed once and never written into a page. Backups, restores and the catalog read it from there.
/// It belongs to the user who typed it (their object id is sealed in with it) and is removed at sign-in and sign-out, so
/// the next person on a shared browser does not inherit it.
/// </summary>
public sealed record StorageConnection(string StorageAccount, string AccessKey, string ContainerName, string Owner)
{
    private const string Cookie = OpenApim.Http.ServerCookieNames.Storage;

    public static StorageConnection? From(HttpContext context)
    {
        if (context.Request.Cookies[Cookie] is not { } value)
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<StorageConnection>(Protector(context).Unprotect(value)) is { } connection
                && connection.Owner is { Length: > 0 } owner && string.Equals(owner, UserOf(context), StringComparison.OrdinalIgnoreCase)
                ? connection
                : null;
        }
        catch (Exception e) when (e is CryptographicException or JsonException)
        {
            return null;
        }
    }

    public void Save(HttpContext context) => context.Response.Cookies.Append(Cookie, Protector(context).Protect(JsonSerializer.Serialize(this)), new CookieOptions
    {
        HttpOnly = true, Secure = true, SameSite = SameSiteMode.Strict, Path = "/", IsEssential = true, MaxAge = TimeSpan.FromHours(8),
    });

    /// <summary>The signed-in user's object id ("" without a session).</summary>
    public static string UserOf(HttpContext context) => context.User.FindFirst("oid")?.Value ?? "";

    public static void Forget(HttpContext context) => context.Response.Cookies.Delete(Cookie, new CookieOptions { Secure = true, Path = "/" });

    /// <summary>The storage part of a backup or restore request body (no backup name).</summary>
    public System.Text.Json.Nodes.JsonObject Body() => new()
    {
        ["storageAccount"] = StorageAccount,
        ["accessKey"] = AccessKey,
        ["containerName"] = ContainerName,
    };

    /// <summary>Never print the key.</summary>
    public override string ToString() => $"{StorageAccount}/{ContainerName}";

    private static IDataProtector Protector(HttpContext context) =>
        context.RequestServices.GetRequiredService<IDataProtectionProvider>().CreateProtector("OpenApim.OperatorConsole.Storage.v1");
}
