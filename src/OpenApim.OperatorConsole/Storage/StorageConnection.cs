using Microsoft.Extensions.DependencyInjection;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;

namespace OpenApim.OperatorConsole.Storage;

/// <summary>
/// The container the user is working with (account, key, container), kept for the session in an encrypted, HTTP-only
/// cookie so the key is typed once and never written into a page. Backups, restores and the catalog read it from there.
/// </summary>
public sealed record StorageConnection(string StorageAccount, string AccessKey, string ContainerName)
{
    private const string Cookie = "__Host-openapim-storage";

    public static StorageConnection? From(HttpContext context)
    {
        if (context.Request.Cookies[Cookie] is not { } value)
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<StorageConnection>(Protector(context).Unprotect(value));
        }
        catch (Exception e) when (e is CryptographicException or JsonException)
        {
            return null;
        }
    }

    public void Save(HttpContext context) => context.Response.Cookies.Append(Cookie, Protector(context).Protect(JsonSerializer.Serialize(this)), new CookieOptions
    {
        HttpOnly = true, Secure = true, SameSite = SameSiteMode.Strict, Path = "/", IsEssential = true,
    });

    public static void Forget(HttpContext context) => context.Response.Cookies.Delete(Cookie, new CookieOptions { Secure = true, Path = "/" });

    /// <summary>Never print the key.</summary>
    public override string ToString() => $"{StorageAccount}/{ContainerName}";

    private static IDataProtector Protector(HttpContext context) =>
        context.RequestServices.GetRequiredService<IDataProtectionProvider>().CreateProtector("OpenApim.OperatorConsole.Storage.v1");
}
