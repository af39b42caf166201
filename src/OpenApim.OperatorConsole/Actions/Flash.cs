using Microsoft.Extensions.DependencyInjection;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using OpenApim.OperatorConsole.Arm;

namespace OpenApim.OperatorConsole.Actions;

/// <summary>The error of an action, carried across its redirect in an encrypted cookie and shown once by the next page.</summary>
public static class Flash
{
    private const string Cookie = OpenApim.Http.ServerCookieNames.Flash;

    internal static void Set(HttpContext context, ArmError error) =>
        context.Response.Cookies.Append(Cookie, Protector(context).Protect(JsonSerializer.Serialize(error)), new CookieOptions
        {
            HttpOnly = true, Secure = true, SameSite = SameSiteMode.Strict, Path = "/", MaxAge = TimeSpan.FromMinutes(1),
        });

    /// <summary>The pending error, removed as it is read.</summary>
    public static ArmError? Take(HttpContext context)
    {
        if (context.Request.Cookies[Cookie] is not { } value)
        {
            return null;
        }

        if (!context.Response.HasStarted)
        {
            context.Response.Cookies.Delete(Cookie, new CookieOptions { Secure = true, Path = "/" });
        }

        try
        {
            return JsonSerializer.Deserialize<ArmError>(Protector(context).Unprotect(value));
        }
        catch (Exception e) when (e is CryptographicException or JsonException)
        {
            return null;
        }
    }

    private static IDataProtector Protector(HttpContext context) =>
        context.RequestServices.GetRequiredService<IDataProtectionProvider>().CreateProtector("OpenApim.OperatorConsole.Flash.v1");
}
