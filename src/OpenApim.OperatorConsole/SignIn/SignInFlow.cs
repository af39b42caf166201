using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.Tokens;
using OpenApim.Http;

namespace OpenApim.OperatorConsole.SignIn;

/// <summary>
/// One sign-in in progress, kept in a short-lived encrypted cookie between leaving for the issuer and coming back: the
/// PKCE verifier, the state and nonce the answer must carry, where to return, when it started and which issuer it went
/// to (<c>null</c> for the embedded one), so an answer is only accepted by the callback of the issuer it was sent to.
/// </summary>
internal sealed record SignInFlow(string Verifier, string State, string Nonce, string ReturnUrl, long StartedAt, int? Issuer)
{
    private const string Cookie = ServerCookieNames.SignIn;
    private const long MaxAgeSeconds = 600;
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static SignInFlow Begin(string returnUrl, int? issuer, TimeProvider time) =>
        new(Random(32), Random(16), Random(16), returnUrl, time.GetUtcNow().ToUnixTimeSeconds(), issuer);

    public void Save(HttpContext c, IDataProtectionProvider protection) =>
        c.Response.Cookies.Append(Cookie, Protector(protection).Protect(JsonSerializer.Serialize(this, Json)), new CookieOptions
        {
            // Lax: the issuer's answer is a top-level navigation from its own site.
            HttpOnly = true, Secure = true, SameSite = SameSiteMode.Lax, Path = "/", MaxAge = TimeSpan.FromSeconds(MaxAgeSeconds), IsEssential = true,
        });

    /// <summary>The flow this browser has in progress, without ending it; null when there is none (or it cannot be read).</summary>
    public static SignInFlow? Peek(HttpContext c, IDataProtectionProvider protection)
    {
        try
        {
            return c.Request.Cookies[Cookie] is { } cookie ? JsonSerializer.Deserialize<SignInFlow>(Protector(protection).Unprotect(cookie), Json) : null;
        }
        catch (Exception e) when (e is CryptographicException or JsonException or FormatException)
        {
            return null;
        }
    }

    /// <summary>
    /// Ends the flow and returns it when the answer carries its <paramref name="state"/>, comes back for the issuer it was
    /// sent to and within ten minutes; else null. A wrong state leaves the flow alone (a link anyone can send must not
    /// cancel a sign-in in progress); an expired or unreadable flow is dropped.
    /// </summary>
    public static SignInFlow? Take(HttpContext c, IDataProtectionProvider protection, string state, int? issuer, TimeProvider time)
    {
        var flow = Peek(c, protection);
        var valid = flow is { State.Length: > 0, Verifier.Length: > 0, Nonce.Length: > 0, ReturnUrl: not null }
            && time.GetUtcNow().ToUnixTimeSeconds() - flow.StartedAt is >= 0 and <= MaxAgeSeconds;
        var matches = valid && flow!.Issuer == issuer && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(flow.State), Encoding.ASCII.GetBytes(state));
        if (matches || !valid)
        {
            c.Response.Cookies.Delete(Cookie, new CookieOptions { Secure = true, Path = "/" });
        }

        return matches ? flow : null;
    }

    /// <summary>Never prints the verifier, state or nonce.</summary>
    public override string ToString() => $"SignInFlow {{ ReturnUrl = {ReturnUrl}, Issuer = {Issuer} }}";

    private static string Random(int bytes) => Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(bytes));

    private static IDataProtector Protector(IDataProtectionProvider protection) => protection.CreateProtector("OpenApim.OperatorConsole.SignIn.v2");
}
