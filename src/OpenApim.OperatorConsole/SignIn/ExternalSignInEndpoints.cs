using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using OpenApim.Http;
using OpenApim.Identity.Federation;
using OpenApim.Identity.SignIn;

namespace OpenApim.OperatorConsole.SignIn;

/// <summary>
/// Sign-in through a trusted external issuer (the company's IdP), offered as a button on the sign-in page.
/// <c>/console/signin/external/{n}</c> starts an authorization-code flow with PKCE and a nonce at issuer <c>n</c>, keeping
/// the page to return to from the sign-in already in progress; the callback accepts only the answer to the flow this
/// browser sent to that issuer, and starts the session with the access token the issuer gave (the management API accepts
/// it as it accepts any token of that issuer: the console gains nothing the person's own token does not carry).
/// </summary>
internal static partial class ExternalSignInEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet(ConsoleClient.ExternalSignInPath + "/{index}", StartAsync);
        app.MapGet(ConsoleClient.ExternalCallbackPath + "/{index}", CallbackAsync);
    }

    private static async Task<IResult> StartAsync(HttpContext c, string index, FederatedSignIn federation, IDataProtectionProvider protection, TimeProvider time)
    {
        if (Find(federation, index) is not { } provider)
        {
            return MessagePage.Show("Sign-in failed", "There is no such identity provider to sign in with.", ("Back to sign-in", "/console/signin"), 404);
        }

        var returnUrl = c.Request.Query.ContainsKey("returnUrl")
            ? SignInEndpoints.LocalConsolePath(c.Request.Query["returnUrl"].ToString())
            : SignInFlow.Peek(c, protection)?.ReturnUrl is { } pending ? SignInEndpoints.LocalConsolePath(pending) : "/console";
        var flow = SignInFlow.Begin(returnUrl, provider.Index, time);
        Uri target;
        try
        {
            target = await federation.AuthorizeUrlAsync(provider, Request(c, flow), c.RequestAborted);
        }
        catch (FederationException e)
        {
            return SignInEndpoints.Problem(e.Message, 502);
        }

        flow.Save(c, protection);
        return Results.Redirect(target.AbsoluteUri);
    }

    private static async Task<IResult> CallbackAsync(HttpContext c, string index, FederatedSignIn federation, IDataProtectionProvider protection, TimeProvider time)
    {
        var query = c.Request.Query;
        var provider = Find(federation, index);
        // The answer must come back to the callback of the issuer this browser's flow went to.
        var flow = provider is null ? null : SignInFlow.Take(c, protection, query["state"].ToString(), provider.Index, time);
        if (query["error"].ToString() is { Length: > 0 } error)
        {
            // Only a well-formed OAuth error code is named (RFC 6749 4.1.2.1); the description is text anyone could have put in the link.
            var code = ErrorCode().IsMatch(error) ? $" ({error})" : "";
            return SignInEndpoints.Problem($"{provider?.DisplayName ?? "The identity provider"} did not sign you in{code}. Start again.");
        }

        if (flow is null || provider is null)
        {
            return SignInEndpoints.Problem(SignInEndpoints.NotMatched);
        }

        FederatedUser user;
        try
        {
            user = await federation.RedeemAsync(provider, Request(c, flow), query["code"].ToString(), query.ContainsKey("iss") ? query["iss"].ToString() : null, c.RequestAborted);
        }
        catch (FederationException e)
        {
            return SignInEndpoints.Problem(e.Message, 403);
        }

        await SignInEndpoints.EstablishAsync(c, new SessionUser(user.ObjectId, user.Name, user.UserName, user.AccessToken, user.ExpiresAt, provider.Index));
        return Results.Content(MessagePage.Continue(flow.ReturnUrl), "text/html; charset=utf-8"); // a page, not a redirect: see Continue
    }

    private static FederatedRequest Request(HttpContext c, SignInFlow flow) =>
        new($"{c.Request.Origin()}{ConsoleClient.ExternalCallbackPath}/{flow.Issuer}", flow.State, flow.Nonce, flow.Verifier);

    /// <summary>The provider a path names, by its canonical number only (no sign, leading zeros, other digits or anything encoded).</summary>
    private static FederatedProvider? Find(FederatedSignIn federation, string index) =>
        int.TryParse(index, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n)
            && index == n.ToString(System.Globalization.CultureInfo.InvariantCulture) ? federation.Find(n) : null;

    [GeneratedRegex("^[a-z_]{1,64}$")]
    private static partial Regex ErrorCode();
}
