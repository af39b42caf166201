using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using OpenApim.OperatorConsole.Actions;
using OpenApim.OperatorConsole.Arm;
using OpenApim.OperatorConsole.Components;
using OpenApim.OperatorConsole.Live;
using OpenApim.OperatorConsole.Security;
using OpenApim.OperatorConsole.SignIn;

namespace OpenApim.OperatorConsole.Hosting;

/// <summary>
/// The operator console as the server composes it, at <c>/console</c> on the management listener: server-rendered Razor
/// components (no Blazor script: plain links and forms, one small script for live progress), a cookie session holding
/// the signed-in user's access token, and actions that call the management API with that token. The console has no
/// access of its own: what a user sees and may press is what their role assignments allow through ARM.
/// </summary>
public static class ConsoleModule
{
    public static IServiceCollection AddOperatorConsole(this IServiceCollection services, ConsoleOptions options)
    {
        services.AddSingleton(options);
        services.AddSingleton<ManagementApi>();
        services.AddSingleton<Records.ConsoleRecords>();
        services.AddSingleton<Drills.DrillRunner>();
        services.AddSingleton<VerifyGate>();
        services.AddRazorComponents();
        services.AddAuthentication().AddCookie(ConsoleSession.Scheme, o =>
        {
            o.Cookie.Name = OpenApim.Http.ServerCookieNames.Session;
            o.Cookie.Path = "/";
            o.Cookie.HttpOnly = true;
            o.Cookie.SecurePolicy = CookieSecurePolicy.Always;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.LoginPath = "/console/signin";
            o.ReturnUrlParameter = "returnUrl";
            o.SlidingExpiration = false;
            o.Events = new CookieAuthenticationEvents
            {
                // Live streams and actions answer 401 instead of redirecting a script to the sign-in page.
                OnRedirectToLogin = context =>
                {
                    if (context.Request.Path.StartsWithSegments("/console/live"))
                    {
                        context.Response.StatusCode = 401;
                        return Task.CompletedTask;
                    }

                    context.Response.Redirect(context.RedirectUri);
                    return Task.CompletedTask;
                },
            };
        });
        services.AddAuthorizationBuilder().AddPolicy(ConsoleSession.Policy, p => p.AddAuthenticationSchemes(ConsoleSession.Scheme).RequireAuthenticatedUser());
        return services;
    }

    /// <summary>Security headers for every console response; before routing.</summary>
    public static IApplicationBuilder UseOperatorConsole(this IApplicationBuilder app) => app.UseConsoleHeaders();

    public static void MapOperatorConsole(this IEndpointRouteBuilder app)
    {
        AssetEndpoints.Map(app);
        SignInEndpoints.Map(app);
        ActionEndpoints.Map(app.MapGroup("/console/actions").RequireAuthorization(ConsoleSession.Policy));
        OperationEvents.Map(app.MapGroup("/console/live").RequireAuthorization(ConsoleSession.Policy));
        app.MapRazorComponents<App>().RequireAuthorization(ConsoleSession.Policy);
    }
}
