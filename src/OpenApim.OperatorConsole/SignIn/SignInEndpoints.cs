using Microsoft.Extensions.DependencyInjection;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.IdentityModel.Tokens;
using OpenApim.Http;
using OpenApim.Identity.SignIn;
using OpenApim.OperatorConsole.Arm;

namespace OpenApim.OperatorConsole.SignIn;

/// <summary>
/// The console as an OAuth client of the embedded issuer: authorization code with PKCE. <c>/console/signin</c> keeps the
/// verifier and state in a short-lived encrypted cookie and sends the browser to the issuer's sign-in page; the callback
/// checks the state, redeems the code at the token endpoint (over HTTPS, like any client) and keeps the user's access
/// token in the session cookie, which expires with the token. Signing out (a POST with an antiforgery token) ends it.
/// </summary>
internal static class SignInEndpoints
{
    private const string FlowCookie = ServerCookieNames.SignIn;

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/console/signin", Start);
        app.MapGet(ConsoleClient.CallbackPath, CallbackAsync);
        // Authorized like the pages, so the antiforgery token is checked against the same user it was issued to.
        app.MapPost("/console/signout", SignOutAsync).DisableAntiforgery().RequireAuthorization(ConsoleSession.Policy);
        app.MapGet(ConsoleClient.SignedOutPath, () => Results.Content(MessagePage.Render("Signed out", "You are signed out of the OpenApim console.", ("Sign in again", "/console")), "text/html; charset=utf-8"));
    }

    private static IResult Start(HttpContext c, IDataProtectionProvider protection, TimeProvider time)
    {
        var returnUrl = LocalConsolePath(c.Request.Query["returnUrl"].ToString());
        var verifier = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));
        var state = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(16));
        var flow = new JsonObject { ["verifier"] = verifier, ["state"] = state, ["returnUrl"] = returnUrl, ["at"] = time.GetUtcNow().ToUnixTimeSeconds() };
        c.Response.Cookies.Append(FlowCookie, Protector(protection).Protect(flow.ToJsonString()), new CookieOptions
        {
            HttpOnly = true, Secure = true, SameSite = SameSiteMode.Lax, Path = "/", MaxAge = TimeSpan.FromMinutes(10), IsEssential = true,
        });
        var origin = c.Request.Origin();
        var authorize = QueryHelpers.AddQueryString($"{origin}/{c.RequestServices.GetRequiredService<ManagementApi>().TenantId}/oauth2/v2.0/authorize", new Dictionary<string, string?>
        {
            ["client_id"] = ConsoleClient.ClientId,
            ["response_type"] = "code",
            ["redirect_uri"] = origin + ConsoleClient.CallbackPath,
            ["scope"] = origin + "/.default",
            ["state"] = state,
            ["code_challenge"] = Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))),
            ["code_challenge_method"] = "S256",
        });
        return Results.Redirect(authorize);
    }

    private static async Task<IResult> CallbackAsync(HttpContext c, IDataProtectionProvider protection, ManagementApi api, TimeProvider time)
    {
        var query = c.Request.Query;
        if (query["error"].ToString() is { Length: > 0 })
        {
            // Only the issuer's own codes are named; any other text in the link is not shown (it could be anyone's).
            return Problem("The sign-in did not complete. Start again.");
        }

        JsonNode? flow = null;
        try
        {
            flow = c.Request.Cookies[FlowCookie] is { } cookie ? JsonNode.Parse(Protector(protection).Unprotect(cookie)) : null;
        }
        catch (Exception e) when (e is CryptographicException or JsonException)
        {
            flow = null;
        }

        c.Response.Cookies.Delete(FlowCookie, new CookieOptions { Secure = true, Path = "/" });
        var state = query["state"].ToString();
        if (flow is null || flow["state"]?.GetValue<string>() is not { } expected
            || !CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(state))
            || time.GetUtcNow().ToUnixTimeSeconds() - flow["at"]!.GetValue<long>() > 600)
        {
            return Problem("The sign-in could not be matched to one this browser started (or it took longer than 10 minutes). Start again.");
        }

        var origin = c.Request.Origin();
        using var response = await api.Http.PostAsync(new Uri(api.BaseAddress, $"/{api.TenantId}/oauth2/v2.0/token"), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["client_id"] = ConsoleClient.ClientId,
            ["code"] = query["code"].ToString(),
            ["redirect_uri"] = origin + ConsoleClient.CallbackPath,
            ["code_verifier"] = flow["verifier"]!.GetValue<string>(),
        }), c.RequestAborted);
        var answer = JsonNode.Parse(await response.Content.ReadAsStringAsync(c.RequestAborted));
        if (!response.IsSuccessStatusCode || answer?["access_token"]?.GetValue<string>() is not { } token)
        {
            return Problem($"The issuer refused the sign-in: {answer?["error_description"] ?? answer?["error"]}");
        }

        // The token comes straight from the issuer over TLS; its claims only label the session (ARM validates the token on every call).
        var claims = JsonNode.Parse(Base64UrlEncoder.Decode(token.Split('.')[1]))!;
        var identity = new ClaimsIdentity(
        [
            new Claim("oid", claims["oid"]?.GetValue<string>() ?? ""),
            new Claim("name", claims["name"]?.GetValue<string>() ?? ""),
            new Claim("preferred_username", claims["preferred_username"]?.GetValue<string>() ?? ""),
        ], ConsoleSession.Scheme, "preferred_username", null);
        var expires = DateTimeOffset.FromUnixTimeSeconds(claims["exp"]!.GetValue<long>());
        var properties = new AuthenticationProperties { ExpiresUtc = expires, IsPersistent = false, AllowRefresh = false };
        properties.StoreTokens([new AuthenticationToken { Name = "access_token", Value = token }]);
        Storage.StorageConnection.Forget(c);
        await c.SignInAsync(ConsoleSession.Scheme, new ClaimsPrincipal(identity), properties);
        return Results.Redirect(flow["returnUrl"]?.GetValue<string>() ?? "/console");
    }

    private static async Task<IResult> SignOutAsync(HttpContext c, IAntiforgery antiforgery, ManagementApi api)
    {
        if (!await antiforgery.IsRequestValidAsync(c))
        {
            return Results.Content(MessagePage.Render("Sign-out refused", "The sign-out form was not valid or has expired.", ("Back to the console", "/console")), "text/html; charset=utf-8", statusCode: 400);
        }

        await c.SignOutAsync(ConsoleSession.Scheme);
        Storage.StorageConnection.Forget(c);
        var origin = c.Request.Origin();
        return Results.Redirect(QueryHelpers.AddQueryString($"{origin}/{api.TenantId}/oauth2/v2.0/logout", "post_logout_redirect_uri", origin + ConsoleClient.SignedOutPath));
    }

    /// <summary>A page of the console to return to after signing in; anything else (another site, <c>//host</c>, a backslash, an action or a live stream) becomes the overview.</summary>
    internal static string LocalConsolePath(string? url) =>
        url is { Length: > 0 and < 2048 } && (url == "/console" || url.StartsWith("/console/", StringComparison.Ordinal) || url.StartsWith("/console?", StringComparison.Ordinal))
            && !url.Contains('\\', StringComparison.Ordinal) && !url.Contains("/.", StringComparison.Ordinal)
            && !url.StartsWith("/console/actions", StringComparison.OrdinalIgnoreCase) && !url.StartsWith("/console/live", StringComparison.OrdinalIgnoreCase)
            && !url.Contains("%2e", StringComparison.OrdinalIgnoreCase) && !url.Contains("%2f", StringComparison.OrdinalIgnoreCase) && !url.Contains("%5c", StringComparison.OrdinalIgnoreCase)
            && !url.StartsWith("//", StringComparison.Ordinal) && Uri.IsWellFormedUriString(url, UriKind.Relative)
            ? url
            : "/console";

    private static IDataProtector Protector(IDataProtectionProvider protection) => protection.CreateProtector("OpenApim.OperatorConsole.SignIn.v1");

    private static IResult Problem(string message) =>
        Results.Content(MessagePage.Render("Sign-in failed", message, ("Try again", "/console/signin")), "text/html; charset=utf-8", statusCode: 400);
}
