using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.IdentityModel.Tokens;
using OpenApim.Identity.SignIn;
using OpenApim.Tests.Infrastructure;

namespace OpenApim.Tests.Identity;

/// <summary>
/// Interactive sign-in as a browser does it, against a real server: the authorization endpoint's page, the form post
/// (antiforgery, lockout, a user without a role), the code redeemed with PKCE, and everything a hostile request tries.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed partial class SignInTests
{
    private const string UsersVersion = "2026-01-01";

    [Fact]
    public async Task A_user_signs_in_with_PKCE_and_the_token_acts_as_that_user_through_ARM()
    {
        await using var server = await OpenApimInstance.StartAsync(StoreKind.Sqlite);
        using var browser = new Browser(server);
        var (userName, password) = BootstrapUser(server);

        var flow = browser.NewFlow();
        var page = await browser.GetAsync(flow.AuthorizeUrl);
        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Contains("name=\"username\"", page.Text, StringComparison.Ordinal);
        Assert.Contains("type=\"password\"", page.Text, StringComparison.Ordinal);
        Assert.Equal("DENY", page.Headers["X-Frame-Options"]);
        Assert.Contains("frame-ancestors 'none'", page.Headers["Content-Security-Policy"], StringComparison.Ordinal);

        var signedIn = await browser.SubmitAsync(flow, page, userName, password);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.Status);
        var callback = new Uri(signedIn.Headers["Location"]);
        Assert.Equal(ConsoleClient.CallbackPath, callback.AbsolutePath);
        var query = System.Web.HttpUtility.ParseQueryString(callback.Query);
        Assert.Equal(flow.State, query["state"]);

        var (status, token) = await browser.RedeemAsync(flow, query["code"]!);
        Assert.Equal(HttpStatusCode.OK, status);
        var claims = JsonNode.Parse(Base64UrlEncoder.Decode(token["access_token"]!.GetValue<string>().Split('.')[1]))!;
        Assert.Equal(userName, claims["preferred_username"]!.GetValue<string>());
        Assert.Equal("user", claims["idtyp"]!.GetValue<string>());

        // The bootstrap user is Owner over "/": it creates a service, and the service's change feed names the user.
        using var arm = new ArmClient(server.CreateHttpClient());
        arm.Http.DefaultRequestHeaders.Authorization = new("Bearer", token["access_token"]!.GetValue<string>());
        var service = await arm.CreateServiceAsync();
        Assert.Equal(HttpStatusCode.OK, (await arm.GetAsync(service)).Status);
        var changes = await arm.GetAsync($"{service}/changes?from=0");
        Assert.Contains(claims["oid"]!.GetValue<string>(), changes.Body!.ToJsonString(), StringComparison.OrdinalIgnoreCase);

        // The code works once; a second redemption is refused.
        Assert.Equal(HttpStatusCode.BadRequest, (await browser.RedeemAsync(flow, query["code"]!)).Status);
    }

    [Fact]
    public async Task A_code_needs_the_verifier_it_was_issued_for_and_the_same_redirect_uri()
    {
        await using var server = await OpenApimInstance.StartAsync(StoreKind.Sqlite);
        using var browser = new Browser(server);
        var (userName, password) = BootstrapUser(server);

        var flow = browser.NewFlow();
        var code = await browser.SignInAsync(flow, userName, password);
        var (status, body) = await browser.RedeemAsync(flow with { Verifier = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32)) }, code);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_grant", body["error"]!.GetValue<string>());
        // A failed redemption spends the code: the right verifier no longer helps.
        Assert.Equal(HttpStatusCode.BadRequest, (await browser.RedeemAsync(flow, code)).Status);

        var second = browser.NewFlow();
        var other = await browser.SignInAsync(second, userName, password);
        Assert.Equal(HttpStatusCode.BadRequest, (await browser.RedeemAsync(second with { RedirectUri = server.ManagementUrl.Replace("127.0.0.1", "localhost", StringComparison.Ordinal) + ConsoleClient.CallbackPath }, other)).Status);
    }

    [Theory]
    [InlineData("client_id", "00000000-0000-0000-0000-000000000bad", "AADSTS700016")]
    [InlineData("redirect_uri", "https://evil.example/console/signin-callback", "AADSTS50011")]
    [InlineData("redirect_uri", "https://127.0.0.1:1/console/signin-callback", "AADSTS50011")]
    [InlineData("redirect_uri", "{base}/console/signin-callback?next=https://evil.example", "AADSTS50011")]
    [InlineData("redirect_uri", "{base}/console/../evil", "AADSTS50011")]
    [InlineData("redirect_uri", "//evil.example/console/signin-callback", "AADSTS50011")]
    [InlineData("code_challenge", "", "AADSTS501491")]
    [InlineData("code_challenge_method", "plain", "AADSTS501491")]
    [InlineData("response_type", "token", "AADSTS900144")]
    public async Task A_hostile_authorization_request_gets_an_error_page_and_is_never_redirected(string field, string value, string code)
    {
        await using var server = await OpenApimInstance.StartAsync(StoreKind.Sqlite);
        using var browser = new Browser(server);
        var flow = browser.NewFlow();
        var url = flow.AuthorizeUrlWith(field, value.Replace("{base}", server.ManagementUrl, StringComparison.Ordinal));

        var page = await browser.GetAsync(url);
        Assert.Equal(HttpStatusCode.BadRequest, page.Status);
        Assert.Contains(code, page.Text, StringComparison.Ordinal);
        Assert.False(page.Headers.ContainsKey("Location"));

        // Posting the same request with the right password is refused the same way: no code, no redirect.
        var good = await browser.GetAsync(flow.AuthorizeUrl);
        var (userName, password) = BootstrapUser(server);
        var posted = await browser.SubmitAsync(flow, good, userName, password, (field, value.Replace("{base}", server.ManagementUrl, StringComparison.Ordinal)));
        Assert.Equal(HttpStatusCode.BadRequest, posted.Status);
        Assert.False(posted.Headers.ContainsKey("Location"));
    }

    [Fact]
    public async Task A_sign_in_form_without_its_antiforgery_token_is_refused()
    {
        await using var server = await OpenApimInstance.StartAsync(StoreKind.Sqlite);
        using var browser = new Browser(server);
        var (userName, password) = BootstrapUser(server);
        var flow = browser.NewFlow();
        var page = await browser.GetAsync(flow.AuthorizeUrl);
        var forged = page with { Text = page.Text.Replace("__RequestVerificationToken", "ignored", StringComparison.Ordinal) };
        var posted = await browser.SubmitAsync(flow, forged, userName, password);
        Assert.Equal(HttpStatusCode.BadRequest, posted.Status);
        Assert.False(posted.Headers.ContainsKey("Location"));
    }

    [Fact]
    public async Task Wrong_passwords_lock_the_user_out_from_that_address_and_a_user_without_a_role_is_refused()
    {
        await using var server = await OpenApimInstance.StartAsync(StoreKind.Sqlite, null, "--OPENAPIM_AUTH_FAILURE_LIMIT=5");
        using var admin = await server.CreateArmClientAsync();
        var password = "a-long-password-" + Guid.NewGuid().ToString("N");
        var created = await admin.PutAsync("/providers/OpenApim.Identity/users/ops@contoso", new JsonObject { ["properties"] = new JsonObject { ["password"] = password } }, apiVersion: UsersVersion);
        Assert.Equal(HttpStatusCode.Created, created.Status);
        Assert.Null(created.Properties["password"]);
        Assert.DoesNotContain("passwordHash", created.Body!.ToJsonString(), StringComparison.OrdinalIgnoreCase);

        using var browser = new Browser(server);
        var flow = browser.NewFlow();
        var refused = await browser.SubmitAsync(flow, await browser.GetAsync(flow.AuthorizeUrl), "ops@contoso", password);
        Assert.Equal(HttpStatusCode.Forbidden, refused.Status);
        Assert.Contains("holds no role", refused.Text, StringComparison.Ordinal);

        var (userName, rightPassword) = BootstrapUser(server);
        for (var i = 0; i < 5; i++)
        {
            var wrong = await browser.SubmitAsync(flow, await browser.GetAsync(flow.AuthorizeUrl), userName, "wrong-" + i);
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.Status);
            Assert.Contains("user name or password is not right", wrong.Text, StringComparison.Ordinal);
        }

        var locked = await browser.SubmitAsync(flow, await browser.GetAsync(flow.AuthorizeUrl), userName, rightPassword);
        Assert.Equal((HttpStatusCode)429, locked.Status);
        Assert.False(locked.Headers.ContainsKey("Location"));
    }

    [Fact]
    public async Task Made_up_user_names_neither_lock_out_real_users_nor_answer_differently_from_real_ones()
    {
        // Made-up names share 64 buckets per address: eight of them put five in one bucket with odds of about three in a million.
        await using var server = await OpenApimInstance.StartAsync(StoreKind.Sqlite, null, "--OPENAPIM_AUTH_FAILURE_LIMIT=5");
        using var browser = new Browser(server);
        var (userName, password) = BootstrapUser(server);
        var flow = browser.NewFlow();
        for (var i = 0; i < 8; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await browser.SubmitAsync(flow, await browser.GetAsync(flow.AuthorizeUrl), $"nobody-{i}", "guess")).Status);
        }

        // Eight different made-up names from this address did not lock the real user out.
        Assert.NotEmpty(await browser.SignInAsync(flow, userName, password));

        // One name tried too often is locked out the same way whether it exists or not.
        async Task<HttpStatusCode> SixthTry(string name)
        {
            for (var i = 0; i < 5; i++)
            {
                await browser.SubmitAsync(flow, await browser.GetAsync(flow.AuthorizeUrl), name, "wrong-" + i);
            }

            return (await browser.SubmitAsync(flow, await browser.GetAsync(flow.AuthorizeUrl), name, "wrong")).Status;
        }

        Assert.Equal((HttpStatusCode)429, await SixthTry("made-up-name"));
        Assert.Equal((HttpStatusCode)429, await SixthTry(userName));
    }

    [Theory]
    [InlineData("..")]
    [InlineData("a%2Fb")]
    [InlineData("%C3%A9t%C3%A9")]
    [InlineData("-leading")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    public async Task Hostile_user_names_are_refused_with_an_ARM_error(string name)
    {
        await using var server = await OpenApimInstance.StartAsync(StoreKind.Sqlite);
        using var admin = await server.CreateArmClientAsync();
        var put = await admin.PutAsync($"/providers/OpenApim.Identity/users/{name}", new JsonObject { ["properties"] = new JsonObject { ["password"] = "long enough password" } }, apiVersion: UsersVersion);
        Assert.True(put.Status is HttpStatusCode.BadRequest or HttpStatusCode.NotFound, put.ToString());
        Assert.NotNull(put.ErrorCode);
    }

    [Fact]
    public async Task Passwords_are_checked_and_the_bootstrap_user_is_protected_and_written_owner_only()
    {
        await using var server = await OpenApimInstance.StartAsync(StoreKind.Sqlite);
        using var admin = await server.CreateArmClientAsync();
        var shortPassword = await admin.PutAsync("/providers/OpenApim.Identity/users/shorty", new JsonObject { ["properties"] = new JsonObject { ["password"] = "short" } }, apiVersion: UsersVersion);
        Assert.Equal(HttpStatusCode.BadRequest, shortPassword.Status);
        var noPassword = await admin.PutAsync("/providers/OpenApim.Identity/users/nopass", new JsonObject { ["properties"] = new JsonObject() }, apiVersion: UsersVersion);
        Assert.Equal(HttpStatusCode.BadRequest, noPassword.Status);

        var (userName, _) = BootstrapUser(server);
        Assert.Equal("BootstrapUserProtected", (await admin.DeleteAsync($"/providers/OpenApim.Identity/users/{userName}", apiVersion: UsersVersion)).ErrorCode);
        Assert.Equal("BootstrapUserProtected", (await admin.PutAsync($"/providers/OpenApim.Identity/users/{userName}", new JsonObject { ["properties"] = new JsonObject { ["password"] = "taken over password" } }, apiVersion: UsersVersion)).ErrorCode);

        var path = server.Endpoints["bootstrapUserPath"]!.GetValue<string>();
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal(server.ManagementUrl + "/console", server.Endpoints["consoleUrl"]!.GetValue<string>());
        var listed = await admin.GetAsync("/providers/OpenApim.Identity/users", UsersVersion);
        Assert.DoesNotContain(BootstrapUser(server).Password, listed.Body!.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bootstrap_user_from_the_environment_has_no_file_and_signs_in_with_its_password()
    {
        var password = "from-the-environment-" + Guid.NewGuid().ToString("N");
        await using var server = await OpenApimInstance.StartAsync(StoreKind.Sqlite, null, "--OPENAPIM_BOOTSTRAP_USER_NAME=platform-admin", $"--OPENAPIM_BOOTSTRAP_USER_PASSWORD={password}");
        Assert.Null(server.Endpoints["bootstrapUserPath"]);
        Assert.False(File.Exists(Path.Combine(server.DataDirectory, "bootstrap-user.json")));
        using var browser = new Browser(server);
        var flow = browser.NewFlow();
        Assert.NotEmpty(await browser.SignInAsync(flow, "platform-admin", password));
    }

    [Fact]
    public async Task Permissions_say_what_the_caller_may_do_at_a_scope()
    {
        await using var server = await OpenApimInstance.StartAsync(StoreKind.Sqlite);
        using var admin = await server.CreateArmClientAsync();
        var app = await admin.CreateAppAsync();
        using var reader = await server.CreateArmClientAsync(app.AppId, app.Secret);
        var none = await reader.GetAsync($"/subscriptions/{ArmClient.Subscription}/providers/Microsoft.Authorization/permissions", "2022-04-01");
        Assert.Equal(HttpStatusCode.OK, none.Status);
        Assert.Empty(none.Json["value"]!.AsArray());

        await admin.AssignAsync($"/subscriptions/{ArmClient.Subscription}", "acdd72a7-3385-48ef-bd42-f606fba81ae7", app.ObjectId);
        var granted = await reader.GetAsync($"/subscriptions/{ArmClient.Subscription}/resourceGroups/rg1/providers/Microsoft.Authorization/permissions", "2022-04-01");
        Assert.Equal(["*/read"], granted.Json["value"]![0]!["actions"]!.AsArray().Select(a => a!.GetValue<string>()));
    }

    private static (string UserName, string Password) BootstrapUser(OpenApimInstance server)
    {
        var file = JsonNode.Parse(File.ReadAllText(server.Endpoints["bootstrapUserPath"]!.GetValue<string>()))!;
        return (file["userName"]!.GetValue<string>(), file["password"]!.GetValue<string>());
    }

    /// <summary>One authorization request as the console makes it: state, PKCE verifier and redirect URI.</summary>
    private sealed record Flow(string Tenant, string Base, string State, string Verifier, string RedirectUri)
    {
        public string Challenge => Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(Verifier)));

        public Dictionary<string, string> Fields => new()
        {
            ["client_id"] = ConsoleClient.ClientId,
            ["response_type"] = "code",
            ["redirect_uri"] = RedirectUri,
            ["scope"] = Base + "/.default",
            ["state"] = State,
            ["code_challenge"] = Challenge,
            ["code_challenge_method"] = "S256",
        };

        public string AuthorizeUrl => Url(Fields);

        public string AuthorizeUrlWith(string field, string value)
        {
            var fields = Fields;
            fields[field] = value;
            return Url(fields);
        }

        private string Url(Dictionary<string, string> fields) =>
            $"/{Tenant}/oauth2/v2.0/authorize?" + string.Join('&', fields.Select(kv => $"{kv.Key}={Uri.EscapeDataString(kv.Value)}"));
    }

    private sealed record Page(HttpStatusCode Status, string Text, Dictionary<string, string> Headers);

    /// <summary>A cookie-keeping client that does not follow redirects, trusting the server's certificate.</summary>
    private sealed class Browser(OpenApimInstance server) : IDisposable
    {
        private readonly HttpClient _http = new(new HttpClientHandler
        {
            AllowAutoRedirect = false,
            UseCookies = true,
            CookieContainer = new CookieContainer(),
            ServerCertificateCustomValidationCallback = (_, cert, _, _) => cert is not null && cert.Thumbprint == server.Certificate.Thumbprint,
        })
        { BaseAddress = new Uri(server.ManagementUrl) };

        public Flow NewFlow() => new(server.TenantId, server.ManagementUrl, Guid.NewGuid().ToString("N"), Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32)), server.ManagementUrl + ConsoleClient.CallbackPath);

        public async Task<Page> GetAsync(string url) => await ReadAsync(await _http.GetAsync(url));

        public async Task<Page> SubmitAsync(Flow flow, Page page, string userName, string password, (string Field, string Value)? replace = null)
        {
            var fields = flow.Fields;
            if (replace is { } r)
            {
                fields[r.Field] = r.Value;
            }

            fields["username"] = userName;
            fields["password"] = password;
            if (AntiforgeryField().Match(page.Text) is { Success: true } token)
            {
                fields["__RequestVerificationToken"] = WebUtility.HtmlDecode(token.Groups[1].Value);
            }

            return await ReadAsync(await _http.PostAsync($"/{flow.Tenant}/oauth2/v2.0/authorize", new FormUrlEncodedContent(fields)));
        }

        public async Task<string> SignInAsync(Flow flow, string userName, string password)
        {
            var posted = await SubmitAsync(flow, await GetAsync(flow.AuthorizeUrl), userName, password);
            Assert.True(posted.Status == HttpStatusCode.Redirect, $"{posted.Status}: {posted.Text}");
            return System.Web.HttpUtility.ParseQueryString(new Uri(posted.Headers["Location"]).Query)["code"]!;
        }

        public async Task<(HttpStatusCode Status, JsonNode Body)> RedeemAsync(Flow flow, string code)
        {
            using var response = await _http.PostAsync($"/{flow.Tenant}/oauth2/v2.0/token", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "authorization_code",
                ["client_id"] = ConsoleClient.ClientId,
                ["code"] = code,
                ["redirect_uri"] = flow.RedirectUri,
                ["code_verifier"] = flow.Verifier,
            }));
            return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!);
        }

        public void Dispose() => _http.Dispose();

        private static async Task<Page> ReadAsync(HttpResponseMessage response)
        {
            using (response)
            {
                var headers = response.Headers.Concat(response.Content.Headers).ToDictionary(h => h.Key, h => string.Join(", ", h.Value), StringComparer.OrdinalIgnoreCase);
                return new Page(response.StatusCode, await response.Content.ReadAsStringAsync(), headers);
            }
        }
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
