using System.Net;
using System.Text.Json.Nodes;
using OpenApim.Tests.Infrastructure;
using static OpenApim.Tests.Identity.DirectoryClient;

namespace OpenApim.Tests.Identity;

/// <summary>
/// A second OpenApim plays the company's identity provider: the server trusts it through its
/// discovery document, and role assignments name its principals.
/// </summary>
public sealed class ExternalIssuerTests
{
    private const string Audience = "https://management.azure.com";

    [Fact]
    public async Task Tokens_of_a_trusted_issuer_are_accepted_and_authorised_by_role_assignments()
    {
        var tenant = Guid.NewGuid().ToString();
        await using var idp = await OpenApimInstance.StartAsync(StoreKind.Sqlite, null, $"--OPENAPIM_TENANT_ID={tenant}");
        await using var server = await OpenApimInstance.StartAsync(StoreKind.Sqlite, null, $"--OPENAPIM_TRUSTED_ISSUERS={Issuers(idp, tenant)}");
        using var idpAdmin = await idp.CreateArmClientAsync();
        var person = await idpAdmin.CreateAppAsync("an app of the company directory");
        using var adminHere = await server.CreateArmClientAsync();

        var token = await idp.GetTokenAsync($"{Audience}/.default", person.AppId, person.Secret);
        using var client = server.CreateHttpClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", token);
        var list = $"/subscriptions/{ArmClient.Subscription}/providers/Microsoft.ApiManagement/service?api-version=2024-05-01";

        // Authenticated (the issuer is trusted) but not yet authorised.
        using (var denied = await client.GetAsync(list))
        {
            Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
            var body = await denied.Content.ReadAsStringAsync();
            Assert.Contains("AuthorizationFailed", body, StringComparison.Ordinal);
            Assert.Contains(person.ObjectId, body, StringComparison.Ordinal);
        }

        await adminHere.AssignAsync($"/subscriptions/{ArmClient.Subscription}", Reader, person.ObjectId);
        using (var allowed = await client.GetAsync(list))
        {
            Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        }

        // The issuer's token for another audience is refused, and so is a token of the issuer's
        // embedded tenant for the server's own audience when it is not the configured one.
        client.DefaultRequestHeaders.Authorization = new("Bearer", await idp.GetTokenAsync(null, person.AppId, person.Secret));
        using var wrongAudience = await client.GetAsync(list);
        Assert.Equal(HttpStatusCode.Unauthorized, wrongAudience.StatusCode);
        Assert.Contains("audience", await wrongAudience.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_tenant_restriction_refuses_tokens_of_other_tenants()
    {
        var tenant = Guid.NewGuid().ToString();
        await using var idp = await OpenApimInstance.StartAsync(StoreKind.Sqlite, null, $"--OPENAPIM_TENANT_ID={tenant}");
        var onlyTenant = Guid.NewGuid().ToString();
        await using var server = await OpenApimInstance.StartAsync(StoreKind.Sqlite, null, $"--OPENAPIM_TRUSTED_ISSUERS={Issuers(idp, onlyTenant)}");

        using var client = server.CreateHttpClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", await idp.GetTokenAsync($"{Audience}/.default"));
        using var response = await client.GetAsync($"/subscriptions/{ArmClient.Subscription}/providers/Microsoft.ApiManagement/service?api-version=2024-05-01");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!;
        Assert.Equal("InvalidAuthenticationToken", error["code"]!.GetValue<string>());
        Assert.Contains($"trusted for tenant '{onlyTenant}' only", error["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    private static string Issuers(OpenApimInstance idp, string tenantRestriction) => new JsonArray(new JsonObject
    {
        ["authority"] = $"{idp.ManagementUrl}/{idp.TenantId}/v2.0",
        ["audience"] = Audience,
        ["tenantId"] = tenantRestriction,
        ["caCertificate"] = idp.Endpoints["certificatePath"]!.GetValue<string>(),
    }).ToJsonString();
}
