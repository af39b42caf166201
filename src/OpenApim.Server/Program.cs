using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http.Features;
using OpenApim.Identity;
using OpenApim.Identity.Authentication;
using OpenApim.Identity.Clients;
using OpenApim.Identity.Tokens;
using OpenApim.Management;
using OpenApim.Management.Arm;
using OpenApim.Resources.Hosting;
using OpenApim.Resources.Operations;
using OpenApim.Resources.Store;
using OpenApim.Resources.Store.Sql;
using OpenApim.Server.Configuration;
using OpenApim.Server.Hosting;

if (args.Contains("--help") || args.Contains("-h"))
{
    Console.WriteLine(ServerSettings.Help());
    return;
}

var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [] });
builder.Configuration.AddCommandLine(args, ServerSettings.SwitchMappings);
var settings = ServerSettings.From(builder.Configuration);
Directory.CreateDirectory(settings.DataDirectory);
ReadyAnnouncer.Reset(settings);

builder.Logging.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss "; });
builder.Logging.AddFilter("Microsoft.AspNetCore.DataProtection", LogLevel.Error);
builder.Services.AddDataProtection().PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(settings.DataDirectory, "keys", "data-protection")));
var (certificate, certificatePath) = TlsCertificate.Load(settings);
var listeners = new Listeners();
builder.WebHost.ConfigureKestrel(kestrel =>
{
    kestrel.AddServerHeader = false;
    var address = System.Net.IPAddress.Parse(settings.ListenAddress);
    kestrel.Listen(address, settings.ManagementPort, l => { l.UseHttps(certificate); listeners.Management = l; });
});

SqlDialect dialect = settings.Postgres is { } connectionString
    ? new PostgresDialect(connectionString)
    : new SqliteDialect(Path.Combine(settings.DataDirectory, "openapim.db"));
await dialect.MigrateAsync(CancellationToken.None);

var deployment = new Deployment { TenantId = settings.TenantId, GatewayHostPattern = settings.GatewayHostPattern };
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddSingleton(deployment);
builder.Services.AddSingleton(listeners);
builder.Services.AddSingleton<IResourceStore>(sp => new SqlResourceStore(dialect, sp.GetRequiredService<TimeProvider>()));
builder.Services.AddSingleton<OperationRunner>();
builder.Services.AddHostedService(sp => sp.GetRequiredService<OperationRunner>());
builder.Services.AddEmbeddedIdentity(new IdentityOptions
{
    DataDirectory = settings.DataDirectory,
    BootstrapClientId = settings.BootstrapClientId,
    BootstrapClientSecret = settings.BootstrapClientSecret,
});
builder.Services.AddManagement();

var app = builder.Build();
app.Use((context, next) =>
{
    if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
    {
        limit.MaxRequestBodySize = settings.MaxRequestBytes;
    }

    return next(context);
});
app.UseArmErrors();
app.UseAuthentication();
app.UseAuthorization();
app.MapTokenEndpoints();
app.MapManagement(ArmAuthentication.Policy);

app.Lifetime.ApplicationStarted.Register(() => ReadyAnnouncer.Announce(
    settings, listeners, deployment, app.Services.GetRequiredService<BootstrapCredential>(), certificatePath, dialect.Name));
await app.RunAsync();

/// <summary>Entry point, visible to WebApplicationFactory in tests.</summary>
public partial class Program;
