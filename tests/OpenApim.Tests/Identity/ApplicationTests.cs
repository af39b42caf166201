using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using OpenApim.Tests.Infrastructure;
using static OpenApim.Tests.Identity.DirectoryClient;

namespace OpenApim.Tests.Identity;

/// <summary>App registrations: secrets shown once and stored hashed, expiry, removal, the protected bootstrap administrator, key rotation.</summary>
public sealed class ApplicationTests(SqliteServer fixture) : IClassFixture<SqliteServer>
{
    private OpenApimInstance Server => fixture.Server;

    private ArmClient Admin => fixture.Arm;

    [Fact]
    public async Task A_secret_is_returned_once_and_never_again()
    {
        var app = await Admin.CreateAppAsync("billing-dr");
        Assert.Equal(40, app.Secret.Length);

        var got = await Admin.GetAsync(AppPath(app.AppId), IdentityVersion);
        var list = await Admin.GetAsync("/providers/OpenApim.Identity/applications", IdentityVersion);
        foreach (var response in new[] { got, list })
        {
            var text = response.Body!.ToJsonString();
            Assert.DoesNotContain(app.Secret, text, StringComparison.Ordinal);
            Assert.DoesNotContain(app.Secret[3..], text, StringComparison.Ordinal);
            Assert.DoesNotContain("hash", text, StringComparison.OrdinalIgnoreCase);
        }

        var credential = Assert.Single(got.Properties["passwordCredentials"]!.AsArray())!;
        Assert.Equal(app.KeyId, credential["keyId"]!.GetValue<string>());
        Assert.Equal(app.Secret[..3], credential["hint"]!.GetValue<string>());
        Assert.Equal("billing-dr", got.Properties["displayName"]!.GetValue<string>());
        Assert.Equal(app.ObjectId, got.Properties["objectId"]!.GetValue<string>());

        // The database holds a hash, not the secret.
        foreach (var file in Directory.GetFiles(Server.DataDirectory, "openapim.db*"))
        {
            await using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            Assert.DoesNotContain(app.Secret, await reader.ReadToEndAsync(), StringComparison.Ordinal);
        }

        var token = new JsonWebToken(await Server.GetTokenAsync(clientId: app.AppId, clientSecret: app.Secret));
        Assert.Equal(app.AppId, token.GetClaim("appid").Value);
        Assert.Equal(app.ObjectId, token.GetClaim("oid").Value);
        Assert.Equal(Server.TenantId, token.GetClaim("tid").Value);
    }

    [Fact]
    public async Task Removed_and_expired_secrets_stop_working()
    {
        var clock = new MovableClock();
        await using var server = await OpenApimInstance.StartAsync(StoreKind.Sqlite, s => s.AddSingleton<TimeProvider>(clock));
        using var admin = await server.CreateArmClientAsync();
        var app = await admin.CreateAppAsync();
        var second = await admin.PostAsync($"{AppPath(app.AppId)}/addPassword",
            new JsonObject { ["passwordCredential"] = new JsonObject { ["displayName"] = "short", ["endDateTime"] = clock.GetUtcNow().AddHours(1).ToString("O") } }, IdentityVersion);
        Assert.Equal(HttpStatusCode.OK, second.Status);
        var shortSecret = second.Json["secretText"]!.GetValue<string>();
        Assert.Equal(HttpStatusCode.OK, (await server.RequestTokenAsync(app.AppId, shortSecret)).Status);

        Assert.Equal(HttpStatusCode.NoContent, (await admin.PostAsync($"{AppPath(app.AppId)}/removePassword", new JsonObject { ["keyId"] = app.KeyId }, IdentityVersion)).Status);
        var (status, body) = await server.RequestTokenAsync(app.AppId, app.Secret);
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("invalid_client", body["error"]!.GetValue<string>());
        Assert.Equal("PasswordCredentialNotFound",
            (await admin.PostAsync($"{AppPath(app.AppId)}/removePassword", new JsonObject { ["keyId"] = app.KeyId }, IdentityVersion)).ErrorCode);

        clock.Advance(TimeSpan.FromMinutes(59));
        Assert.Equal(HttpStatusCode.OK, (await server.RequestTokenAsync(app.AppId, shortSecret)).Status);
        clock.Advance(TimeSpan.FromMinutes(2));
        (status, body) = await server.RequestTokenAsync(app.AppId, shortSecret);
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Contains("expired", body["error_description"]!.GetValue<string>(), StringComparison.Ordinal);

        var tooLong = await admin.PostAsync($"{AppPath(app.AppId)}/addPassword", new JsonObject { ["endDateTime"] = clock.GetUtcNow().AddYears(5).ToString("O") }, IdentityVersion);
        Assert.Equal(HttpStatusCode.BadRequest, tooLong.Status);
    }

    [Fact]
    public async Task Deleting_an_application_removes_its_role_assignments()
    {
        var app = await Admin.CreateAppAsync();
        await Admin.AssignAsync($"/subscriptions/{ArmClient.Subscription}", Reader, app.ObjectId);
        Assert.Equal(HttpStatusCode.OK, (await Admin.DeleteAsync(AppPath(app.AppId), ifMatch: null, apiVersion: IdentityVersion)).Status);
        Assert.Equal(HttpStatusCode.NoContent, (await Admin.DeleteAsync(AppPath(app.AppId), ifMatch: null, apiVersion: IdentityVersion)).Status);
        Assert.Equal("ApplicationNotFound", (await Admin.GetAsync(AppPath(app.AppId), IdentityVersion)).ErrorCode);
        Assert.Equal("unauthorized_client", (await Server.RequestTokenAsync(app.AppId, app.Secret)).Body["error"]!.GetValue<string>());

        // Registered again under the same client id, it starts with no access.
        var again = await Admin.PutAsync(AppPath(app.AppId), new JsonObject { ["properties"] = new JsonObject { ["displayName"] = "again" } }, apiVersion: IdentityVersion);
        Assert.Equal(HttpStatusCode.Created, again.Status);
        var assignments = await Admin.GetAsync($"/providers/Microsoft.Authorization/roleAssignments?$filter=principalId eq '{app.ObjectId}'", AuthorizationVersion);
        Assert.Empty(assignments.Json["value"]!.AsArray());
    }

    [Fact]
    public async Task The_bootstrap_administrator_is_an_owner_that_cannot_be_changed_through_the_api()
    {
        var bootstrap = await Admin.GetAsync(AppPath(Server.ClientId), IdentityVersion);
        Assert.True(bootstrap.Properties["bootstrap"]!.GetValue<bool>());
        var assignments = await Admin.GetAsync($"/providers/Microsoft.Authorization/roleAssignments?$filter=principalId eq '{bootstrap.Properties["objectId"]}'", AuthorizationVersion);
        var owner = Assert.Single(assignments.Json["value"]!.AsArray())!;
        Assert.Equal("/", owner["properties"]!["scope"]!.GetValue<string>());
        Assert.EndsWith(Owner, owner["properties"]!["roleDefinitionId"]!.GetValue<string>(), StringComparison.Ordinal);

        Assert.Equal("BootstrapApplicationProtected", (await Admin.DeleteAsync(AppPath(Server.ClientId), ifMatch: null, apiVersion: IdentityVersion)).ErrorCode);
        Assert.Equal("BootstrapApplicationProtected", (await Admin.PostAsync($"{AppPath(Server.ClientId)}/addPassword", new JsonObject(), IdentityVersion)).ErrorCode);
        Assert.Equal("BootstrapApplicationProtected", (await Admin.PutAsync(AppPath(Server.ClientId), new JsonObject { ["properties"] = new JsonObject { ["displayName"] = "renamed" } }, apiVersion: IdentityVersion)).ErrorCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await Admin.PutAsync(AppPath("not-a-guid"), new JsonObject { ["properties"] = new JsonObject { ["displayName"] = "x" } }, apiVersion: IdentityVersion)).Status);
    }

    [Fact]
    public async Task Rotated_signing_keys_keep_validating_until_retired()
    {
        var before = await Server.GetTokenAsync();
        var rotated = await Admin.PostAsync("/providers/OpenApim.Identity/signingKeys/rotate", null, IdentityVersion);
        Assert.Equal(HttpStatusCode.OK, rotated.Status);
        var keys = rotated.Json["value"]!.AsArray();
        var oldKid = new JsonWebToken(before).Kid;
        Assert.Contains(keys, k => k!["kid"]!.GetValue<string>() == oldKid && !k["current"]!.GetValue<bool>());

        var after = await Server.GetTokenAsync();
        Assert.NotEqual(oldKid, new JsonWebToken(after).Kid);
        using var oldClient = Server.CreateHttpClient();
        oldClient.DefaultRequestHeaders.Authorization = new("Bearer", before);
        var list = $"/subscriptions/{ArmClient.Subscription}/providers/Microsoft.ApiManagement/service?api-version=2024-05-01";
        Assert.Equal(HttpStatusCode.OK, (await oldClient.GetAsync(list)).StatusCode);

        using var newAdmin = await Server.CreateArmClientAsync();
        Assert.Equal(HttpStatusCode.OK, (await newAdmin.DeleteAsync($"/providers/OpenApim.Identity/signingKeys/{oldKid}", ifMatch: null, apiVersion: IdentityVersion)).Status);
        var retired = await oldClient.GetAsync(list);
        Assert.Equal(HttpStatusCode.Unauthorized, retired.StatusCode);
        Assert.Contains("unknown kid", await retired.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("SigningKeyNotRetirable", (await newAdmin.DeleteAsync($"/providers/OpenApim.Identity/signingKeys/{new JsonWebToken(after).Kid}", ifMatch: null, apiVersion: IdentityVersion)).ErrorCode);

        // The fixture's own client holds a token signed with the retired key: give it a fresh one.
        fixture.Arm.Http.DefaultRequestHeaders.Authorization = new("Bearer", after);
    }
}

/// <summary>Guessing secrets is rate-limited per client id and address, and failures are logged without the secret.</summary>
public sealed class LockoutTests
{
    [Fact]
    public async Task Repeated_failures_lock_the_client_out_from_that_address()
    {
        var logs = new LogCapture();
        await using var server = await OpenApimInstance.StartAsync(StoreKind.Sqlite,
            services => services.AddSingleton<ILoggerProvider>(logs), "--OPENAPIM_AUTH_FAILURE_LIMIT=3");
        const string guess = "guess-Zq8vT1-not-the-secret";
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await server.RequestTokenAsync(server.ClientId, guess + i)).Status);
        }

        var (status, body) = await server.RequestTokenAsync(server.ClientId, server.ClientSecret);
        Assert.Equal((HttpStatusCode)429, status);
        Assert.Contains("Too many failed authentications", body["error_description"]!.GetValue<string>(), StringComparison.Ordinal);

        // Other client ids are not affected.
        Assert.Equal(HttpStatusCode.BadRequest, (await server.RequestTokenAsync(Guid.NewGuid().ToString(), "x")).Status);

        var lines = logs.Lines;
        Assert.Contains(lines, l => l.Contains(server.ClientId, StringComparison.Ordinal) && l.Contains("too many failed", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains(guess, StringComparison.Ordinal) || l.Contains(server.ClientSecret, StringComparison.Ordinal));
    }
}

/// <summary>Keeps every log line of a test server.</summary>
public sealed class LogCapture : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();

    public IReadOnlyList<string> Lines => [.. _lines];

    public ILogger CreateLogger(string categoryName) => new Logger(_lines);

    public void Dispose()
    {
    }

    private sealed class Logger(ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            lines.Enqueue(formatter(state, exception) + (exception is null ? "" : " " + exception));
    }
}
