using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http.Features;
using OpenApim.Backup;
using OpenApim.Backup.Jobs;
using OpenApim.Backup.Storage;
using OpenApim.Gateway;
using OpenApim.Gateway.Configuration;
using OpenApim.Http;
using OpenApim.Identity;
using OpenApim.Identity.Access;
using OpenApim.Identity.Applications;
using OpenApim.Identity.Hosting;
using OpenApim.Identity.Users;
using OpenApim.Management;
using OpenApim.Management.ApiImport;
using OpenApim.OperatorConsole;
using OpenApim.OperatorConsole.Hosting;
using OpenApim.Resources.Arm;
using OpenApim.Resources.Hosting;
using OpenApim.Resources.Operations;
using OpenApim.Resources.Store.Journal;
using OpenApim.Resources.Store.Sql;
using OpenApim.Server.Configuration;

namespace OpenApim.Server.Hosting;

/// <summary>
/// Composes the server from its wings. <c>Program.cs</c> runs it; tests build it in-process on real
/// Kestrel with their own settings and service overrides.
/// </summary>
internal static class OpenApimHost
{
    public static async Task<WebApplication> BuildAsync(string[] args, Action<IServiceCollection>? overrides = null, CancellationToken ct = default)
    {
        // The gateway keeps large, long-lived configuration in memory: prefer background collections
        // over blocking ones, so a collection does not stall requests in flight.
        System.Runtime.GCSettings.LatencyMode = System.Runtime.GCLatencyMode.SustainedLowLatency;
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [] });
        builder.Configuration.AddCommandLine(args, ServerSettings.SwitchMappings);
        var settings = ServerSettings.From(builder.Configuration);
        LocalFiles.CreatePrivateDirectory(settings.DataDirectory);
        ReadyAnnouncer.Reset(settings);

        builder.Logging.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss "; });
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        // Hosting logs only request starts and ends (Information); while its logger is on, every request pays for a log scope
        // and an Activity that nothing reads (scopes are not printed; traces, when exported, start their own activities).
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);
        builder.Logging.AddFilter("Yarp", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.AspNetCore.DataProtection", LogLevel.Error);
        var protectionKeys = Path.Combine(settings.DataDirectory, "keys", "data-protection");
        LocalFiles.CreatePrivateDirectory(Path.GetDirectoryName(protectionKeys)!);
        LocalFiles.CreatePrivateDirectory(protectionKeys);
        builder.Services.AddDataProtection().PersistKeysToFileSystem(new DirectoryInfo(protectionKeys));

        var (certificate, certificatePath) = TlsCertificate.Load(settings, TimeProvider.System);
        var listeners = new Listeners();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            // Kestrel would answer a long request line with a bare 414; it lets them through so the management API
            // and the gateway answer in their own formats (see RequestTargets.MaxUrlLength).
            kestrel.Limits.MaxRequestLineSize = 64 * 1024;
            var address = System.Net.IPAddress.Parse(settings.ListenAddress);
            kestrel.Listen(address, settings.ManagementPort, l => { l.UseHttps(certificate); listeners.Management = l; });
            kestrel.Listen(address, settings.GatewayPort, l => listeners.Gateway = l);
            if (settings.GatewayHttpsPort is { } httpsPort)
            {
                kestrel.Listen(address, httpsPort, l => { l.UseHttps(certificate); listeners.GatewayHttps = l; });
            }
        });

        SqlDialect dialect = settings.Postgres is { } connectionString
            ? new PostgresDialect(connectionString)
            : new SqliteDialect(Path.Combine(settings.DataDirectory, "openapim.db"));
        await dialect.MigrateAsync(ct);

        var deployment = new Deployment
        {
            TenantId = settings.TenantId, Subscriptions = settings.Subscriptions, GatewayHostPattern = settings.GatewayHostPattern, CreateServiceDefaults = settings.ServiceDefaults,
            SoftDeleteRetention = settings.SoftDeleteRetention,
            JournalRetention = new JournalRetention(settings.JournalRetention, settings.JournalMaxBytes, TimeSpan.FromMinutes(5)),
        };
        var services = builder.Services;
        services.AddSingleton(settings);
        services.AddSingleton(TimeProvider.System); // tests replace it through the overrides
        services.AddSingleton(deployment);
        services.AddSingleton(listeners);
        services.AddSqlStores(dialect);
        services.AddSingleton(new OperationRunnerOptions(settings.OperationLease, SingleNode: settings.Postgres is null));
        services.AddSingleton(new OperationSecrets(Path.Combine(settings.DataDirectory, "keys")));
        services.AddSingleton<OperationRunner>();
        services.AddHostedService(sp => sp.GetRequiredService<OperationRunner>());
        services.AddEmbeddedIdentity(new IdentityOptions
        {
            DataDirectory = settings.DataDirectory,
            BootstrapClientId = settings.BootstrapClientId,
            BootstrapClientSecret = settings.BootstrapClientSecret,
            BootstrapUserName = settings.BootstrapUserName,
            BootstrapUserPassword = settings.BootstrapUserPassword,
            TrustedIssuers = settings.TrustedIssuers,
            FailureLimit = settings.AuthFailureLimit,
        });
        services.AddManagement(new ApiImportOptions { LinkHosts = settings.ImportLinkHosts });
        services.AddBackup(BackupSettings(settings));
        services.AddGateway(new GatewayOptions { PollInterval = settings.GatewayPollInterval });
        services.AddTelemetry(settings);
        services.AddOperatorConsole(new ConsoleOptions(() => listeners.LoopbackManagementUrl(settings.ListenAddress), certificate, settings.TenantId));
        overrides?.Invoke(services);

        var app = builder.Build();

        // Requests on a gateway listener never reach the management pipeline.
        app.MapWhen(context => listeners.IsGateway(context.Connection.LocalPort), gateway => gateway.UseGateway());
        app.Use((context, next) =>
        {
            if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            {
                limit.MaxRequestBodySize = settings.MaxRequestBytes;
            }

            // "//x" is "/x" for everything that follows (the target checks read the raw target, not the path).
            RequestTargets.CollapseLeadingSlashes(context);
            return next(context);
        });
        app.UseOperatorConsole(); // its security headers, also on the errors the next steps answer
        app.UseArmErrors();
        app.Use((context, next) =>
        {
            switch (RequestTargets.Check(context))
            {
                case TargetProblem.TooLong: throw ArmErrors.UriTooLong(RequestTargets.MaxUrlLength);
                case TargetProblem.DotSegment: throw ArmErrors.DotSegment();
            }

            return next(context);
        });
        app.UseArmScopes();
        app.UseRouting();
        app.UseAuthentication();
        app.Use(async (context, next) =>
        {
            // Every journal record a request causes names who made it.
            using var actor = ChangeActor.Use(Caller.Actor(context));
            await next(context);
        });
        app.UseAuthorization();
        app.UseAntiforgery();
        app.MapIdentity();
        app.MapManagement(IdentityModule.Policy);
        app.MapOperatorConsole();
        app.MapHealth();
        app.MapTelemetry(settings);
        app.MapFallback(context => throw ArmErrors.RouteNotFound(context.Request.Method, context.Request.Path));

        app.Lifetime.ApplicationStarted.Register(() => ReadyAnnouncer.Announce(
            settings, listeners, deployment, app.Services.GetRequiredService<BootstrapCredential>(), app.Services.GetRequiredService<BootstrapUser>(), certificatePath, dialect.Name));
        app.Lifetime.ApplicationStopped.Register(() => (dialect as IAsyncDisposable)?.DisposeAsync().AsTask().GetAwaiter().GetResult());
        return app;
    }

    private static BackupOptions BackupSettings(ServerSettings settings) => new(
        new StorageOptions
        {
            EndpointTemplate = settings.BlobEndpointTemplate,
            LocalRoot = Path.Combine(settings.DataDirectory, "storage"),
            LocalAccounts = settings.StorageAccounts is { } accounts
                ? StorageOptions.ParseAccounts(accounts)
                : [new LocalAccount(StorageOptions.DevelopmentAccount, StorageOptions.DevelopmentKey)],
            IdentityGrants = settings.ManagedIdentities is { } grants ? StorageOptions.ParseGrants(grants) : [],
            UseAzureManagedIdentity = settings.UseAzureManagedIdentity,
            Timeout = settings.StorageTimeout,
        },
        new JobOptions
        {
            Lifetime = settings.BackupLifetime,
            WorkDirectory = Path.Combine(settings.DataDirectory, "work"),
            EncryptionKey = settings.BackupEncryptionKey is { } key ? JobOptions.ParseKey(key) : null,
        });
}
