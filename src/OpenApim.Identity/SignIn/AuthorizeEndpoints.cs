using Microsoft.Extensions.DependencyInjection;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Logging;
using OpenApim.Http;
using OpenApim.Identity.Access;
using OpenApim.Identity.Clients;
using OpenApim.Identity.Tokens;
using OpenApim.Identity.Users;

namespace OpenApim.Identity.SignIn;

/// <summary>
/// Interactive sign-in for people: the authorization endpoint of the authorization-code flow with PKCE
/// (<c>/{tenant}/oauth2/v2.0/authorize</c>, as Entra names it). GET shows the sign-in page; POST checks the user
/// name and password (with the same lockout as client secrets), refuses a user who holds no role anywhere and
/// redirects to the client's callback with a one-time code. Only the console's public client may use it, and
/// only with its own callback on this server; a request naming another client or redirect URI is shown an
/// error and never redirected (no open redirect).
/// </summary>
internal static partial class AuthorizeEndpoints
{
    private static readonly FormOptions FormLimits = new() { ValueCountLimit = 32, KeyLengthLimit = 128, ValueLengthLimit = 4096, BufferBody = false };

    private static readonly string[] Carried = ["client_id", "redirect_uri", "response_type", "scope", "state", "code_challenge", "code_challenge_method"];

    public static void MapAuthorizeEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/{tenant}/oauth2/v2.0/authorize", ShowAsync);
        app.MapPost("/{tenant}/oauth2/v2.0/authorize", SignInAsync).DisableAntiforgery();
        app.MapGet("/{tenant}/oauth2/v2.0/logout", (HttpContext c, string tenant, IssuerUrls urls) =>
        {
            // The issuer keeps no session of its own (every sign-in asks for the password), so signing out only returns.
            var target = c.Request.Query["post_logout_redirect_uri"].ToString();
            return IsOwnUrl(target, urls, ConsoleClient.SignedOutPath) ? Results.Redirect(target) : Results.Redirect(urls.BaseFor(c.Request.Origin()) + ConsoleClient.SignedOutPath);
        });
    }

    private static IResult ShowAsync(HttpContext c, string tenant, IssuerUrls urls, IAntiforgery antiforgery)
    {
        var request = Carried.Where(k => c.Request.Query.ContainsKey(k)).ToDictionary(k => k, k => c.Request.Query[k].ToString(), StringComparer.Ordinal);
        return Check(tenant, request, urls) is { } problem ? problem : Page(c, antiforgery, request, null, null, 200);
    }

    private static async Task<IResult> SignInAsync(HttpContext c, string tenant, IssuerUrls urls, IAntiforgery antiforgery, UserDirectory users,
        RoleAssignments assignments, ClientLockout lockout, AuthorizationCodes codes, ILoggerFactory loggers)
    {
        var logger = loggers.CreateLogger("OpenApim.Identity.SignIn");
        IFormCollection form;
        try
        {
            if (c.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
            {
                size.MaxRequestBodySize = 32 * 1024;
            }

            form = await c.Request.ReadFormAsync(FormLimits, c.RequestAborted);
            await antiforgery.ValidateRequestAsync(c);
        }
        catch (Exception e) when (e is InvalidDataException or BadHttpRequestException or IOException or InvalidOperationException or AntiforgeryValidationException)
        {
            SignInPage.Secure(c.Response);
            return Results.Content(SignInPage.RenderProblem("Sign-in failed", "The sign-in form was not valid or has expired. Go back to the console and sign in again."), "text/html; charset=utf-8", statusCode: 400);
        }

        var request = Carried.Where(form.ContainsKey).ToDictionary(k => k, k => form[k].ToString(), StringComparer.Ordinal);
        if (Check(tenant, request, urls) is { } problem)
        {
            return problem;
        }

        var userName = form["username"].ToString().Trim();
        var password = form["password"].ToString();
        var address = c.Connection.RemoteIpAddress?.ToString() ?? "?";
        var account = await users.FindAsync(userName, c.RequestAborted);
        if (lockout.IsUserLockedOut(userName, known: account is not null, address))
        {
            LogLockedOut(logger, UserName.IsValid(userName) ? userName : "(not a valid user name)", address);
            c.Response.Headers.RetryAfter = ((int)lockout.Window.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Page(c, antiforgery, request, userName, $"Too many failed sign-ins for this user from this address; try again in {(int)lockout.Window.TotalMinutes} minutes.", 429);
        }

        var user = userName.Length == 0 || password.Length == 0 ? null : UserDirectory.Verify(account, password);
        if (user is null)
        {
            lockout.RecordUserFailure(userName, known: account is not null, address);
            LogRejected(logger, UserName.IsValid(userName) ? userName : "(not a valid user name)", address);
            return Page(c, antiforgery, request, userName, "The user name or password is not right.", 401);
        }

        if ((await assignments.ForPrincipalsAsync([user.ObjectId], c.RequestAborted)).Count == 0)
        {
            LogNoRole(logger, user.UserName);
            return Page(c, antiforgery, request, userName, $"The user '{user.UserName}' holds no role in this OpenApim, so there is nothing it may see. Ask an administrator to assign one (Reader at least).", 403);
        }

        var issuerBase = urls.BaseFor(c.Request.Origin());
        var code = codes.Issue(request["redirect_uri"], request["code_challenge"], user, issuerBase);
        LogSignedIn(logger, user.UserName, address);
        var target = QueryHelpers.AddQueryString(request["redirect_uri"], new Dictionary<string, string?> { ["code"] = code, ["state"] = request.GetValueOrDefault("state") ?? "" });
        c.Response.Headers.CacheControl = "no-store";
        return Results.Redirect(target);
    }

    /// <summary>Null when the request may be shown the sign-in page, else the page that says why not.</summary>
    private static ProblemPage? Check(string tenant, Dictionary<string, string> request, IssuerUrls urls)
    {
        string? Get(string key) => request.TryGetValue(key, out var v) ? v : null;
        var error =
            !string.Equals(tenant, urls.TenantId, StringComparison.OrdinalIgnoreCase) ? $"AADSTS90002: Tenant '{tenant}' not found. Use the tenant id of this OpenApim ({urls.TenantId})."
            : !string.Equals(Get("client_id"), ConsoleClient.ClientId, StringComparison.OrdinalIgnoreCase) ? $"AADSTS700016: Interactive sign-in is for the OpenApim console (client id {ConsoleClient.ClientId}); applications use client credentials."
            : !IsOwnUrl(Get("redirect_uri"), urls, ConsoleClient.CallbackPath) ? "AADSTS50011: The redirect URI is not the console's callback on this server."
            : Get("response_type") != "code" ? "AADSTS900144: 'response_type' must be 'code'."
            : Get("code_challenge_method") != "S256" || !Challenge().IsMatch(Get("code_challenge") ?? "") ? "AADSTS501491: PKCE is required: send a 'code_challenge' (43 base64url characters) with 'code_challenge_method' S256."
            : (Get("state")?.Length ?? 0) > 1024 ? "AADSTS90014: 'state' is longer than 1024 characters."
            : null;
        return error is null ? null : new ProblemPage("Sign-in request refused", error);
    }

    private static IResult Page(HttpContext c, IAntiforgery antiforgery, IReadOnlyDictionary<string, string> request, string? userName, string? error, int status)
    {
        var tokens = antiforgery.GetAndStoreTokens(c);
        SignInPage.Secure(c.Response);
        return Results.Content(SignInPage.Render(request, tokens.FormFieldName, tokens.RequestToken!, userName, error,
            c.RequestServices.GetRequiredService<Federation.FederatedSignIn>().Providers), "text/html; charset=utf-8", statusCode: status);
    }

    /// <summary>True when <paramref name="url"/> is <paramref name="path"/> on one of this server's own base URLs, with no query or fragment.</summary>
    private static bool IsOwnUrl(string? url, IssuerUrls urls, string path) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri)
        && uri.Query.Length == 0 && uri.Fragment.Length == 0 && uri.UserInfo.Length == 0
        && string.Equals(uri.AbsolutePath, path, StringComparison.Ordinal)
        && urls.BaseUrls.Any(b => string.Equals(b, uri.GetLeftPart(UriPartial.Authority), StringComparison.OrdinalIgnoreCase));

    private sealed class ProblemPage(string title, string message) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            SignInPage.Secure(httpContext.Response);
            return Results.Content(SignInPage.RenderProblem(title, message), "text/html; charset=utf-8", statusCode: 400).ExecuteAsync(httpContext);
        }
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{43,128}$")]
    private static partial Regex Challenge();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sign-in rejected for user {UserName} from {Address}: wrong user name or password")]
    private static partial void LogRejected(ILogger logger, string userName, string address);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sign-in refused for user {UserName} from {Address}: too many failed sign-ins")]
    private static partial void LogLockedOut(ILogger logger, string userName, string address);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sign-in refused for user {UserName}: it holds no role")]
    private static partial void LogNoRole(ILogger logger, string userName);

    [LoggerMessage(Level = LogLevel.Information, Message = "User {UserName} signed in from {Address}")]
    private static partial void LogSignedIn(ILogger logger, string userName, string address);
}
