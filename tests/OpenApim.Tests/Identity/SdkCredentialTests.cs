using System.Net;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Identity;
using Azure.ResourceManager;
using Azure.ResourceManager.Resources;
using OpenApim.Tests.Infrastructure;
using ArmClient = Azure.ResourceManager.ArmClient;
using TestArm = OpenApim.Tests.Infrastructure.ArmClient;
using static OpenApim.Tests.Identity.DirectoryClient;

namespace OpenApim.Tests.Identity;

/// <summary>The official .NET client libraries, unchanged: Azure.Identity gets tokens, Azure.ResourceManager uses them.</summary>
public sealed class SdkCredentialTests(SqliteServer fixture) : IClassFixture<SqliteServer>
{
    private OpenApimInstance Server => fixture.Server;

    [Fact]
    public async Task ClientSecretCredential_gets_tokens_that_Azure_ResourceManager_uses_within_the_apps_role()
    {
        var app = await fixture.Arm.CreateAppAsync("sdk reader");
        await fixture.Arm.AssignAsync($"/subscriptions/{TestArm.Subscription}", Reader, app.ObjectId);
        var credential = new ClientSecretCredential(Server.TenantId, app.AppId, app.Secret, new ClientSecretCredentialOptions
        {
            AuthorityHost = new Uri(Server.ManagementUrl),
            DisableInstanceDiscovery = true,
            Transport = Transport(),
        });

        var token = await credential.GetTokenAsync(new TokenRequestContext(["https://management.azure.com/.default"]), default);
        Assert.True(token.ExpiresOn > DateTimeOffset.UtcNow.AddMinutes(30));

        var arm = new ArmClient(credential, TestArm.Subscription, new ArmClientOptions
        {
            Environment = new ArmEnvironment(new Uri(Server.ManagementUrl), "https://management.azure.com"),
            Transport = Transport(),
        });
        var subscription = arm.GetSubscriptionResource(SubscriptionResource.CreateResourceIdentifier(TestArm.Subscription));
        var read = await subscription.GetAsync();
        Assert.Equal(TestArm.Subscription, read.Value.Data.SubscriptionId);

        // A reader may not create a resource group: the SDK surfaces ARM's 403.
        var denied = await Assert.ThrowsAsync<RequestFailedException>(() =>
            read.Value.GetResourceGroups().CreateOrUpdateAsync(WaitUntil.Completed, "rg-sdk", new ResourceGroupData(AzureLocation.WestEurope)));
        Assert.Equal((int)HttpStatusCode.Forbidden, denied.Status);
        Assert.Equal("AuthorizationFailed", denied.ErrorCode);

        // The same call with the bootstrap (Owner) credential succeeds.
        var owner = new ArmClient(new ClientSecretCredential(Server.TenantId, Server.ClientId, Server.ClientSecret, new ClientSecretCredentialOptions
        {
            AuthorityHost = new Uri(Server.ManagementUrl),
            DisableInstanceDiscovery = true,
            Transport = Transport(),
        }), TestArm.Subscription, new ArmClientOptions { Environment = new ArmEnvironment(new Uri(Server.ManagementUrl), "https://management.azure.com"), Transport = Transport() });
        var created = await owner.GetSubscriptionResource(SubscriptionResource.CreateResourceIdentifier(TestArm.Subscription))
            .GetResourceGroups().CreateOrUpdateAsync(WaitUntil.Completed, "rg-sdk", new ResourceGroupData(AzureLocation.WestEurope));
        Assert.Equal("rg-sdk", created.Value.Data.Name);
    }

    [Fact]
    public async Task ClientSecretCredential_reports_a_wrong_secret_as_an_authentication_failure()
    {
        var credential = new ClientSecretCredential(Server.TenantId, Server.ClientId, "not-the-secret", new ClientSecretCredentialOptions
        {
            AuthorityHost = new Uri(Server.ManagementUrl),
            DisableInstanceDiscovery = true,
            Transport = Transport(),
        });
        var failure = await Assert.ThrowsAsync<AuthenticationFailedException>(async () =>
            await credential.GetTokenAsync(new TokenRequestContext(["https://management.azure.com/.default"]), default));
        Assert.Contains("AADSTS7000215", failure.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-secret", failure.ToString(), StringComparison.Ordinal);
    }

    private HttpClientTransport Transport() => new(new HttpClientHandler
    {
        ServerCertificateCustomValidationCallback = (_, cert, _, _) => cert is not null && cert.Thumbprint == Server.Certificate.Thumbprint,
    });
}
