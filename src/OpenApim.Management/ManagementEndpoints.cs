using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using OpenApim.Http;
using OpenApim.Management.Changes;
using OpenApim.Management.ApiImport;
using OpenApim.Management.Entities;
using OpenApim.Management.Operations;
using OpenApim.Management.Providers;
using OpenApim.Management.Reports;
using OpenApim.Management.Revisions;
using OpenApim.Management.Services;
using OpenApim.Management.Tenancy;
using OpenApim.Resources.Entities;

namespace OpenApim.Management;

/// <summary>Registers and maps the ARM management API.</summary>
public static class ManagementEndpoints
{
    public static IServiceCollection AddManagement(this IServiceCollection services, ApiImportOptions? imports = null)
    {
        services.AddHttpClient(SpecLinks.ClientName)
            .ConfigurePrimaryHttpMessageHandler(sp => new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                UseCookies = false,
                ConnectCallback = SpecLinks.Connect(sp.GetRequiredService<ApiImportOptions>()),
            });
        return services
        .AddSingleton(imports ?? new ApiImportOptions())
        .AddSingleton<SpecLinks>()
        .AddSingleton<ExportLinks>()
        .AddSingleton<ApiSpecifications>()
        .AddSingleton<ApiRevisions>()
        .AddSingleton<EntityService>()
        .AddSingleton<ServiceReader>()
        .AddSingleton<ServiceDeletion>()
        .AddSingleton<ServiceDefaults>()
        .AddSingleton<DeletedServices>()
        .AddSingleton<DeletedServiceEndpoints>()
        .AddHostedService<DeletedServicePurger>()
        .AddHostedService<JournalCompactor>()
        .AddSingleton<ServiceEndpoints>()
        .AddSingleton<ResourceGroups>()
        .AddSingleton<ResourceGroupEndpoints>()
        .AddSingleton<SubscriptionEndpoints>()
        .AddSingleton<ServiceHostnames>()
        .AddSingleton<EntityEndpoints>()
        .AddSingleton<ChangeFeedEndpoints>()
        .AddSingleton<ActivityLogEndpoints>()
        .AddSingleton<OperationEndpoints>()
        .AddSingleton<ReportEndpoints>();
    }

    /// <summary>Maps every ARM route; <paramref name="authorizationPolicy"/> guards them all.</summary>
    public static void MapManagement(this IEndpointRouteBuilder app, string authorizationPolicy)
    {
        MetadataEndpoints.Map(app);
        ExportLinks.Map(app);
        var root = app.MapGroup("").RequireAuthorization(authorizationPolicy);
        ProviderEndpoints.MapRoot(root);
        SubscriptionEndpoints.MapRoot(root.MapGroup("").AddEndpointFilter(ArmRequestFilter.ResourceManager));

        var subscription = root.MapGroup("/subscriptions/{subscriptionId}").AddEndpointFilter(ArmRequestFilter.ResourceManager);
        ProviderEndpoints.Map(subscription);
        SubscriptionEndpoints.Map(subscription);
        ResourceGroupEndpoints.Map(subscription);
        ActivityLogEndpoints.Map(subscription);

        var apim = root.MapGroup("/subscriptions/{subscriptionId}").AddEndpointFilter(ArmRequestFilter.ApiManagement);
        ServiceEndpoints.Map(apim);
        DeletedServiceEndpoints.Map(apim);
        var services = apim.MapGroup("/resourceGroups/{resourceGroup}/providers/Microsoft.ApiManagement/service");
        OperationEndpoints.Map(services);
        ReportEndpoints.Map(services);
        ChangeFeedEndpoints.Map(services);
        EntityEndpoints.Map(services);
    }
}
