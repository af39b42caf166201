using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using OpenApim.Resources.Arm;
using OpenApim.Resources.Entities;
using OpenApim.Resources.Model;
using OpenApim.Resources.Store;
using OpenApim.Resources.Store.Sql;
using OpenApim.Server.Configuration;

namespace OpenApim.Server.Tools;

/// <summary>
/// <c>OpenApim.Server seed --service NAME [--scale F] [--sku SKU] [--resource-group RG] [--subscription GUID] [--backend-url URL] [server flags]</c>:
/// creates the service if needed and bulk-loads a generated reference service into the configured
/// store (the server need not run). <c>--scale 1</c> is the benchmark reference service.
/// </summary>
internal static class SeedCommand
{
    public static async Task<int> RunAsync(string[] args, TimeProvider time, CancellationToken ct)
    {
        var options = Options(args);
        var config = new ConfigurationBuilder().AddEnvironmentVariables().AddCommandLine(options.ServerArgs, ServerSettings.SwitchMappings).Build();
        var settings = ServerSettings.From(config);
        Resources.Hosting.LocalFiles.CreatePrivateDirectory(settings.DataDirectory);
        SqlDialect dialect = settings.Postgres is { } cs ? new PostgresDialect(cs) : new SqliteDialect(Path.Combine(settings.DataDirectory, "openapim.db"));
        await dialect.MigrateAsync(ct);
        var store = SqlStorage.ResourceStore(dialect, time);
        var service = ServiceRef.Parse(options.Subscription, options.ResourceGroup, options.Service);
        var started = time.GetTimestamp();
        var now = time.GetUtcNow();

        await store.WriteAsync(service, WriteScope.Service, async tx =>
        {
            if (await tx.GetAsync(EntityAddress.ForService(service), ct) is null)
            {
                await tx.PutAsync(ResourceRow.Service(service, new JsonObject
                {
                    ["location"] = "West Europe",
                    ["sku"] = new JsonObject { ["name"] = options.Sku, ["capacity"] = options.Sku == "Consumption" ? 0 : 1 },
                    ["properties"] = new JsonObject
                    {
                        ["publisherEmail"] = "reference@openapim.example",
                        ["publisherName"] = "Reference",
                        ["notificationSenderEmail"] = "apimgmt-noreply@mail.windowsazure.com",
                        ["virtualNetworkType"] = "None",
                        ["disableGateway"] = false,
                        ["publicNetworkAccess"] = "Enabled",
                        ["createdAtUtc"] = now.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
                        ["provisioningState"] = "Succeeded",
                        ["targetProvisioningState"] = "",
                    },
                }), null, ct);
                await EntityService.SeedAsync(tx, service, ct);
            }

            return 0;
        }, ct);

        var counts = await store.ReplaceServiceContentAsync(service, null, ReferenceData.Kinds,
            Async(ReferenceData.Rows(options.Size, now, options.BackendUrl), ct), d => d, ct);
        Console.WriteLine($"Seeded {service.Id}: {counts.Inserted} entities in {time.GetElapsedTime(started).TotalSeconds:F1} s ({dialect.Name}).");
        if (dialect is IAsyncDisposable d)
        {
            await d.DisposeAsync();
        }

        return 0;
    }

    private static async IAsyncEnumerable<RawResource> Async(IEnumerable<RawResource> rows, [EnumeratorCancellation] CancellationToken ct = default)
    {
        foreach (var row in rows)
        {
            ct.ThrowIfCancellationRequested();
            yield return row;
        }

        await Task.CompletedTask;
    }

    private sealed record SeedOptions(string Service, string ResourceGroup, string Subscription, string Sku, ReferenceSize Size, string BackendUrl, string[] ServerArgs);

    private static SeedOptions Options(string[] args)
    {
        string? service = null;
        string resourceGroup = "rg1", subscription = "00000000-0000-0000-0000-000000000001", sku = "Developer", backend = "http://127.0.0.1:9";
        var size = new ReferenceSize();
        var rest = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            switch (args[i])
            {
                case "--service": service = Next(); break;
                case "--resource-group": resourceGroup = Next(); break;
                case "--subscription": subscription = Next(); break;
                case "--sku": sku = Next(); break;
                case "--scale": size = ReferenceSize.Scaled(double.Parse(Next(), CultureInfo.InvariantCulture)); break;
                case "--backend-url": backend = Next(); break;
                default: rest.Add(args[i]); break;
            }
        }

        return new SeedOptions(service ?? throw new ArgumentException("seed needs --service NAME."), resourceGroup, subscription, sku, size, backend, [.. rest]);
    }
}
