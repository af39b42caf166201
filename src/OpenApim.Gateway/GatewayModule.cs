using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using OpenApim.Gateway.Configuration;
using OpenApim.Gateway.Policies;
using OpenApim.Gateway.Proxy;
using OpenApim.Gateway.Runtime;
using OpenApim.Gateway.Telemetry;
using OpenApim.Gateway.Usage;
using OpenApim.Resources.Store;

namespace OpenApim.Gateway;

/// <summary>Registers the gateway and runs it on a request pipeline branch.</summary>
public static class GatewayModule
{
    public static IServiceCollection AddGateway(this IServiceCollection services, GatewayOptions options)
    {
        services.AddSingleton(options);
        services.AddHttpForwarder();
        services.AddSingleton<GatewayState>();
        services.AddSingleton<GatewayHealth>();
        services.AddHealthChecks().AddCheck<GatewayHealth>("gateway");
        services.AddSingleton<Counters>();
        services.AddSingleton<PolicyCompiler>();
        services.AddSingleton<RestoreStaging>();
        services.AddSingleton<IContentStaging>(sp => sp.GetRequiredService<RestoreStaging>());
        services.AddSingleton<ConfigWatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<ConfigWatcher>());
        services.AddSingleton<UsageRecorder>();
        services.AddHostedService(sp => sp.GetRequiredService<UsageRecorder>());
        services.AddMetrics();
        services.AddSingleton<GatewayMetrics>();
        services.AddSingleton<GatewayMiddleware>();
        return services;
    }

    /// <summary>Answers every request of this branch as a gateway request.</summary>
    public static void UseGateway(this IApplicationBuilder app)
    {
        var gateway = app.ApplicationServices.GetRequiredService<GatewayMiddleware>();
        app.Run(gateway.InvokeAsync);
    }
}
