using System.Security.Claims;
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
using OpenApim.Identity.Federation;
using OpenApim.Identity.SignIn;
using OpenApim.Identity.Tokens;
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
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/console/signin", Start);
        app.MapGet(ConsoleClient.CallbackPath, CallbackAsync);
        ExternalSignInEndpoints.Map(app);
        // Authorized like the pages, so the antiforgery token is checked against the same user it was issued to.
        app.MapPost("/console/signout", SignOutAsync).DisableAntiforgery().RequireAuthorization(ConsoleSession.Policy);
        app.MapGet(ConsoleClient.SignedOutPath, () => MessagePage.Show("Signed out", "You are signed out of the OpenApim console.", ("Sign in again", "/console")));
    }

    private static IResult Start(HttpContext c, IDataProtectionProvider protection, ManagementApi api, TimeProvider time)
    {
        var flow = SignInFlow.Begin(LocalConsolePath(c.Request.Query["returnUrl"].ToString()), issuer: null, time);
        flow.Save(c, protection);
        var origin = c.Request.Origin();
        return Results.Redirect(QueryHelpers.AddQueryString($"{origin}/{api.TenantId}/oauth2/v2.0/authorize", new Dictionary<string, string?>
        {
            ["client_id"] = ConsoleClient.ClientId,
            ["response_type"] = "code",
            ["redirect_uri"] = origin + ConsoleClient.CallbackPath,
            ["scope"] = origin + "/.default",
            ["state"] = flow.State,
            ["code_challenge"] = Pkce.Challenge(flow.Verifier),
            ["code_challenge_method"] = "S256",
        }));
    }

    private static async Task<IResult> CallbackAsync(HttpContext c, IDataProtectionProvider protection, ManagementApi api, TimeProvider time)
    {
        var query = c.Request.Query;
        if (query["error"].ToString() is { Length: > 0 })
        {
            // Only the issuer's own codes are named; any other text in the link is not shown (it could be anyone's).
            return Problem("The sign-in did not complete. Start again.");
        }

        // A flow sent to a trusted external issuer is only finished by its own callback.
        if (SignInFlow.Take(c, protection, query["state"].ToString(), issuer: null, time) is not { } flow)
        {
            return Problem(NotMatched);
        }

        var origin = c.Request.Origin();
        using var response = await api.Http.PostAsync(new Uri(api.BaseAddress, $"/{api.TenantId}/oauth2/v2.0/token"), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["client_id"] = ConsoleClient.ClientId,
            ["code"] = query["code"].ToString(),
            ["redirect_uri"] = origin + ConsoleClient.CallbackPath,
            ["code_verifier"] = flow.Verifier,
        }), c.RequestAborted);
        var answer = JsonNode.Parse(await response.Content.ReadAsStringAsync(c.RequestAborted));
        if (!response.IsSuccessStatusCode || answer?["access_token"]?.GetValue<string>() is not { } token)
        {
            return Problem($"The issuer refused the sign-in: {answer?["error_description"] ?? answer?["error"]}");
        }

        // The token comes straight from the issuer over TLS; its claims only label the session (ARM validates the token on every call).
        var claims = JsonNode.Parse(Base64UrlEncoder.Decode(token.Split('.')[1]))!;
        await EstablishAsync(c, new SessionUser(
            claims["oid"]?.GetValue<string>() ?? "", claims["name"]?.GetValue<string>() ?? "", claims["preferred_username"]?.GetValue<string>() ?? "",
            token, DateTimeOffset.FromUnixTimeSeconds(claims["exp"]!.GetValue<long>()), Issuer: null));
        return Results.Redirect(flow.ReturnUrl);
    }

    internal const string NotMatched = "The sign-in could not be matched to one this browser started (or it took longer than 10 minutes). Start again.";

    /// <summary>Starts the console session: the user's labels as claims, the access token stored in the cookie, which expires with the token.</summary>
    internal static async Task EstablishAsync(HttpContext c, SessionUser user)
    {
        List<Claim> claims = [new("oid", user.ObjectId), new("name", user.Name), new("preferred_username", user.UserName)];
        if (user.Issuer is { } issuer)
        {
            claims.Add(new Claim(IssuerClaim, issuer.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        var properties = new AuthenticationProperties { ExpiresUtc = user.ExpiresAt, IsPersistent = false, AllowRefresh = false };
        properties.StoreTokens([new AuthenticationToken { Name = "access_token", Value = user.AccessToken }]);
        Storage.StorageConnection.Forget(c);
        await c.SignInAsync(ConsoleSession.Scheme, new ClaimsPrincipal(new ClaimsIdentity(claims, ConsoleSession.Scheme, "preferred_username", null)), properties);
    }

    /// <summary>The session's claim naming the trusted issuer the user signed in through (absent for the embedded issuer).</summary>
    internal const string IssuerClaim = "openapim_idp";

    private static async Task<IResult> SignOutAsync(HttpContext c, IAntiforgery antiforgery, ManagementApi api, FederatedSignIn federation)
    {
        if (!await antiforgery.IsRequestValidAsync(c))
        {
            return MessagePage.Show("Sign-out refused", "The sign-out form was not valid or has expired.", ("Back to the console", "/console"), 400);
        }

        var origin = c.Request.Origin();
        var external = int.TryParse(c.User.FindFirst(IssuerClaim)?.Value, System.Globalization.CultureInfo.InvariantCulture, out var index) ? federation.Find(index) : null;
        await c.SignOutAsync(ConsoleSession.Scheme);
        Storage.StorageConnection.Forget(c);
        if (external is not null)
        {
            // Signed out of the console; the company's session is its own (other applications use it too), so ending it is
            // offered as a link (a redirect there from this form would also be outside the console's form-action policy).
            var endSession = await federation.EndSessionUrlAsync(external, origin + ConsoleClient.SignedOutPath, c.RequestAborted);
            return MessagePage.Show("Signed out", $"You are signed out of the OpenApim console. You are still signed in to {external.DisplayName}.",
                endSession is null ? ("Sign in again", "/console") : ($"Sign out of {external.DisplayName} too", endSession.AbsoluteUri));
        }

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

    internal static IResult Problem(string message, int status = 400) =>
        MessagePage.Show("Sign-in failed", message, ("Try again", "/console/signin"), status);
}
