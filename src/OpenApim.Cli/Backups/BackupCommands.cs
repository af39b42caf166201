using System.CommandLine;
using System.Text.Json.Nodes;
using OpenApim.Backup.Catalog;
using OpenApim.Backup.Jobs;
using OpenApim.Cli.Common;
using Spectre.Console;

namespace OpenApim.Cli.Backups;

/// <summary>
/// <c>openapim backup list|show|verify</c>: what a storage container holds, read from the archives' manifests (never blob
/// timestamps), and a verification of one archive or replication stream without restoring it. Talks to storage directly.
/// </summary>
internal static class BackupCommands
{
    private static readonly Option<string> Account = CommonOptions.Required("--storage-account-name", "Storage account name.");
    private static readonly Option<string> Key = CommonOptions.Required("--storage-account-key", "Storage account key.");
    private static readonly Option<string> Container = CommonOptions.Required("--container-name", "Container.", "--storage-account-container");
    private static readonly Option<string?> BlobEndpoint = CommonOptions.Optional("--blob-endpoint",
        "The account's blob endpoint, e.g. http://127.0.0.1:10000/devstoreaccount1 for Azurite (default https://{account}.blob.core.windows.net; '{account}' is replaced).");
    private static readonly Option<string?> EncryptionKey = CommonOptions.Optional("--encryption-key", "Base64 AES-256 key of encrypted backups (default: OPENAPIM_BACKUP_ENCRYPTION_KEY).");

    public static Command Build()
    {
        var backup = new Command("backup", "Backups in a storage container: list, show and verify them without a server.");
        var name = CommonOptions.Required("--backup-name", "The backup blob, or a replication stream: replications/{service}/{replication}.");

        var list = Storage(new Command("list", "List the backups and replication streams of a container, newest first by the creation time in their manifests.\n\nExample:\n  openapim backup list --storage-account-name devstoreaccount1 --storage-account-key KEY --container-name backups --blob-endpoint http://127.0.0.1:10000/devstoreaccount1"));
        list.SetAction((parse, ct) => CommandRunner.RunAsync((parse, ct), async context =>
        {
            var listing = await Call(() => Catalog(context).ListAsync(context.Cancellation));
            var now = DateTimeOffset.UtcNow;
            context.Write(new JsonObject
            {
                ["backups"] = new JsonArray([.. listing.Archives.Select(a => (JsonNode)Json(a, now))]),
                ["replications"] = new JsonArray([.. listing.Chains.Select(c => (JsonNode)Json(c))]),
            }, () => ListTable(listing, now));
        }));

        var show = Storage(new Command("show", "Show one backup's manifest: source, SKU, times, entity counts, encryption.") { name });
        show.SetAction((parse, ct) => CommandRunner.RunAsync((parse, ct), async context =>
        {
            var entry = await Call(() => Catalog(context).ShowAsync(context.Get(name), context.Cancellation))
                ?? throw new CliFailure("BlobNotFound", $"The container holds no backup named '{context.Get(name)}'.");
            var now = DateTimeOffset.UtcNow;
            context.Write(Json(entry, now), () => CliContext.Fields(
                ("Name", entry.Name), ("Source", entry.SourceService), ("SKU", entry.Sku), ("Created", entry.CreatedAt?.ToString("u")), ("Expires", entry.ExpiresAt?.ToString("u")),
                ("Expired", entry.Expired(now)), ("Format", entry.FormatVersion), ("Encrypted", entry.Encrypted), ("Bytes", entry.Bytes), ("Entities", entry.Entities),
                ("Counts", string.Join(", ", entry.Counts.Select(kv => $"{kv.Key} {kv.Value}"))), ("Problem", entry.Problem)));
        }));

        var verify = Storage(new Command("verify", "Verify a backup (checksum, format, decryption, every part, every row, expiry) or a replication stream's chain, without restoring. Exit 1 when it fails.") { name });
        verify.SetAction((parse, ct) => CommandRunner.RunAsync((parse, ct), async context =>
        {
            var report = await Call(() => Catalog(context).VerifyAsync(context.Get(name), context.Cancellation));
            context.Write(new JsonObject
            {
                ["name"] = report.Name,
                ["passed"] = report.Passed,
                ["code"] = report.Code,
                ["checks"] = new JsonArray([.. report.Checks.Select(c => (JsonNode)new JsonObject { ["name"] = c.Name, ["passed"] = c.Passed, ["detail"] = c.Detail })]),
            }, () =>
            {
                var table = new Table().AddColumn("Check").AddColumn("Result").AddColumn("Detail");
                foreach (var check in report.Checks)
                {
                    table.AddRow(Markup.Escape(check.Name), check.Passed ? "[green]passed[/]" : "[red]FAILED[/]", Markup.Escape(check.Detail));
                }

                return table;
            });
            if (!report.Passed)
            {
                var failed = report.Checks.First(c => !c.Passed);
                throw new CliFailure(report.Code ?? "VerificationFailed", failed.Detail);
            }
        }));

        backup.Subcommands.Add(list);
        backup.Subcommands.Add(show);
        backup.Subcommands.Add(verify);
        return backup;
    }

    private static Command Storage(Command command)
    {
        command.Options.Add(Account);
        command.Options.Add(Key);
        command.Options.Add(Container);
        command.Options.Add(BlobEndpoint);
        command.Options.Add(EncryptionKey);
        return command;
    }

    private static BackupCatalog Catalog(CliContext context)
    {
        byte[]? key = null;
        if ((context.Get(EncryptionKey) ?? Environment.GetEnvironmentVariable("OPENAPIM_BACKUP_ENCRYPTION_KEY")) is { } text)
        {
            try
            {
                key = JobOptions.ParseKey(text);
            }
            catch (FormatException e)
            {
                throw CliFailure.Usage($"--encryption-key: {e.Message}");
            }
        }

        return Open(context.Get(Account), context.Get(Key), context.Get(Container), context.Get(BlobEndpoint), key, context.Get(CommonOptions.CaFile));
    }

    /// <summary>
    /// A container read directly: at <paramref name="blobEndpoint"/> (<c>{account}</c> replaced; default Azure's), trusting
    /// <paramref name="caFile"/> besides the system's and SSL_CERT_FILE's. The drill's --use-latest reads through it too.
    /// </summary>
    public static BackupCatalog Open(string account, string key, string container, string? blobEndpoint, byte[]? encryptionKey, string? caFile)
    {
        var endpoint = (blobEndpoint ?? "https://{account}.blob.core.windows.net").Replace("{account}", account, StringComparison.Ordinal);
        if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
        {
            throw CliFailure.Usage($"--blob-endpoint must be an http(s) URL, not '{endpoint}'.");
        }

        return BackupCatalog.Open(url, account, key, container, encryptionKey, TimeSpan.FromSeconds(30), TimeProvider.System, Trust.Client(caFile, TimeSpan.FromMinutes(10)));
    }

    private static async Task<T> Call<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (CatalogException e)
        {
            throw new CliFailure(e.Code, e.Message);
        }
    }

    private static JsonObject Json(CatalogEntry a, DateTimeOffset now) => new()
    {
        ["name"] = a.Name,
        ["bytes"] = a.Bytes,
        ["source"] = a.SourceService,
        ["sourceId"] = a.SourceId,
        ["sku"] = a.Sku,
        ["createdAt"] = a.CreatedAt?.ToString("O"),
        ["expiresAt"] = a.ExpiresAt?.ToString("O"),
        ["expired"] = a.Expired(now),
        ["formatVersion"] = a.FormatVersion,
        ["encrypted"] = a.Encrypted,
        ["entities"] = a.Entities,
        ["counts"] = new JsonObject(a.Counts.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value))),
        ["schedule"] = a.Schedule,
        ["problem"] = a.Problem,
    };

    private static JsonObject Json(CatalogChain c) => new()
    {
        ["stream"] = c.Stream,
        ["bases"] = c.Bases,
        ["segments"] = c.Segments,
        ["bytes"] = c.Bytes,
        ["oldestBase"] = c.OldestBase?.ToString("O"),
        ["newestBase"] = c.NewestBase?.ToString("O"),
        ["lastSealed"] = c.LastSealed?.ToString("O"),
        ["journalPosition"] = c.Position,
    };

    private static Table ListTable(CatalogListing listing, DateTimeOffset now)
    {
        var table = new Table().AddColumn("Backup").AddColumn("Source").AddColumn("SKU").AddColumn("Created").AddColumn("Expires").AddColumn("Entities").AddColumn("Encrypted").AddColumn("Bytes");
        foreach (var a in listing.Archives)
        {
            table.AddRow(Markup.Escape(a.Name), Markup.Escape(a.SourceService ?? a.Problem ?? "?"), Markup.Escape(a.Sku ?? ""), a.CreatedAt?.ToString("u") ?? "",
                a.Expired(now) ? "[red]expired[/]" : a.ExpiresAt?.ToString("u") ?? "", a.Entities.ToString(System.Globalization.CultureInfo.InvariantCulture),
                a.Encrypted ? "yes" : "no", a.Bytes.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        foreach (var c in listing.Chains)
        {
            table.AddRow(Markup.Escape(c.Stream), "replication", "", c.OldestBase?.ToString("u") ?? "", c.LastSealed?.ToString("u") ?? "",
                $"{c.Bases} bases, {c.Segments} segments", "", c.Bytes.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        return table;
    }
}
