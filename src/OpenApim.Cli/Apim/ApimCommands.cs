using System.CommandLine;
using System.Net;
using System.Text.Json.Nodes;
using OpenApim.Cli.Common;
using Spectre.Console;

namespace OpenApim.Cli.Apim;

/// <summary><c>openapim apim create|show|list|delete|backup|restore</c>, with the Azure CLI's option names.</summary>
internal static class ApimCommands
{
    private static Option<string> Group => CommonOptions.Group;

    private static Option<string> Name => CommonOptions.Name;
    private static readonly Option<bool> NoWait = CommonOptions.Flag("--no-wait", "Return once the operation is accepted; do not wait for it to end.");

    public static Command Build()
    {
        var apim = new Command("apim", "API Management services: create, show, list, delete, back up and restore.");
        apim.Subcommands.Add(Create());
        apim.Subcommands.Add(Show());
        apim.Subcommands.Add(List());
        apim.Subcommands.Add(Delete());
        apim.Subcommands.Add(Backup());
        apim.Subcommands.Add(Restore());
        return apim;
    }

    public static Table ServiceTable(JsonNode? service) => CliContext.Fields(
        ("Name", CliContext.Read(service, "name")),
        ("Location", CliContext.Read(service, "location")),
        ("SKU", $"{CliContext.Read(service, "sku.name")} ({CliContext.Read(service, "sku.capacity")})"),
        ("State", CliContext.Read(service, "properties.provisioningState")),
        ("Gateway", CliContext.Read(service, "properties.gatewayUrl")),
        ("Management", CliContext.Read(service, "properties.managementApiUrl")),
        ("Id", CliContext.Read(service, "id")));

    private static Command Create()
    {
        var sku = new Option<string>("--sku-name") { Description = "Developer, Basic, Standard, Premium, Consumption, ...", DefaultValueFactory = _ => "Developer" };
        var capacity = new Option<int?>("--sku-capacity") { Description = "Units (default 1; 0 for Consumption)." };
        var location = CommonOptions.Required("--location", "Location, e.g. westeurope.", "-l");
        var email = CommonOptions.Required("--publisher-email", "Publisher email.");
        var publisher = CommonOptions.Required("--publisher-name", "Publisher name.");
        var command = new Command("create", "Create a service (and wait until it is provisioned).\n\nExample:\n  openapim apim create -g rg1 -n contoso --sku-name Developer --location westeurope --publisher-email ops@contoso.com --publisher-name Contoso")
        {
            Group, Name, sku, capacity, location, email, publisher, NoWait,
        };
        command.SetAction((parse, ct) => CommandRunner.RunAsync((parse, ct), async context =>
        {
            var arm = await context.ArmAsync();
            var path = arm.Service(context.Get(Group), context.Get(Name));
            var skuName = context.Get(sku);
            var body = new JsonObject
            {
                ["location"] = context.Get(location),
                ["sku"] = new JsonObject { ["name"] = skuName, ["capacity"] = context.Get(capacity) ?? (skuName.Equals("Consumption", StringComparison.OrdinalIgnoreCase) ? 0 : 1) },
                ["properties"] = new JsonObject { ["publisherEmail"] = context.Get(email), ["publisherName"] = context.Get(publisher) },
            };
            var (_, created, _) = await arm.SendAsync(HttpMethod.Put, path, body, context.Cancellation);
            var service = context.Get(NoWait) ? created : await WithStatus(context, "provisioning", () => arm.WaitProvisionedAsync(path, context.Cancellation));
            context.Write(service, () => ServiceTable(service));
        }));
        return command;
    }

    private static Command Show()
    {
        var command = new Command("show", "Show a service.") { Group, Name };
        command.SetAction((parse, ct) => CommandRunner.RunAsync((parse, ct), async context =>
        {
            var arm = await context.ArmAsync();
            var service = await arm.GetAsync(arm.Service(context.Get(Group), context.Get(Name)), context.Cancellation);
            context.Write(service, () => ServiceTable(service));
        }));
        return command;
    }

    private static Command List()
    {
        var group = CommonOptions.Optional("--resource-group", "Only this resource group.", "-g");
        var command = new Command("list", "List services (of the subscription, or of one resource group).") { group };
        command.SetAction((parse, ct) => CommandRunner.RunAsync((parse, ct), async context =>
        {
            var arm = await context.ArmAsync();
            var path = context.Get(group) is { } rg
                ? $"subscriptions/{arm.Subscription}/resourceGroups/{Uri.EscapeDataString(rg)}/providers/Microsoft.ApiManagement/service"
                : $"subscriptions/{arm.Subscription}/providers/Microsoft.ApiManagement/service";
            var services = await arm.ListAsync(path, context.Cancellation);
            context.Write(new JsonArray([.. services.Select(s => s.DeepClone())]),
                () => CliContext.Rows(services, ("Name", "name"), ("Location", "location"), ("SKU", "sku.name"), ("State", "properties.provisioningState"), ("Gateway", "properties.gatewayUrl")));
        }));
        return command;
    }

    private static Command Delete()
    {
        var yes = CommonOptions.Flag("--yes", "Do not ask for confirmation (the Azure CLI's -y).");
        yes.Aliases.Add("-y");
        var command = new Command("delete", "Delete a service.") { Group, Name, yes, NoWait };
        command.SetAction((parse, ct) => CommandRunner.RunAsync((parse, ct), async context =>
        {
            var arm = await context.ArmAsync();
            var path = arm.Service(context.Get(Group), context.Get(Name));
            var (status, _, headers) = await arm.SendAsync(HttpMethod.Delete, path, null, context.Cancellation);
            if (status == HttpStatusCode.Accepted && !context.Get(NoWait) && headers.Location is { } location)
            {
                await WithStatus(context, "deleting", () => arm.FollowAsync(location.ToString(), null, context.Cancellation));
            }

            context.Write(new JsonObject { ["deleted"] = context.Get(Name), ["status"] = (int)status });
        }));
        return command;
    }

    private static Command Backup()
    {
        var storage = new StorageOptions();
        var command = new Command("backup", "Back up a service to a blob (az apim backup).\n\nExample:\n  openapim apim backup -g rg1 -n contoso --backup-name contoso.apimbackup --storage-account-name devstoreaccount1 --storage-account-key KEY --storage-account-container backups")
        {
            Group, Name, NoWait,
        };
        storage.AddTo(command);
        command.SetAction((parse, ct) => CommandRunner.RunAsync((parse, ct), async context =>
        {
            var arm = await context.ArmAsync();
            var path = arm.Service(context.Get(Group), context.Get(Name));
            var outcome = await Run(context, arm, $"{path}/backup", storage.Body(context), "backup");
            context.Write(Result(outcome), () => OutcomeTable(outcome));
        }));
        return command;
    }

    private static Command Restore()
    {
        var storage = new StorageOptions(backupNameRequired: false);
        var preview = CommonOptions.Flag("--preview", "Only report what the restore would change (previewRestore); nothing changes.");
        var scope = new Option<string?>("--scope") { Description = "All (default: everything) or Configuration (keep the target's users, subscriptions and keys)." };
        scope.AcceptOnlyFromAmong("All", "Configuration");
        var replication = CommonOptions.Optional("--replication", "Restore from a replication stream, '{service}/{replication}', instead of a backup blob.");
        var pointInTime = new Option<DateTimeOffset?>("--point-in-time") { Description = "With --replication: the moment to restore (ISO 8601)." };
        var position = new Option<long?>("--journal-position") { Description = "With --replication: the journal position to restore." };
        var entities = new Option<string[]>("--entities") { Description = "With --replication: undelete only these entities (e.g. apis/orders subscriptions/s1), each with its subtree.", AllowMultipleArgumentsPerToken = true };
        var command = new Command("restore", "Restore a service from a backup blob or a replication stream (az apim restore).\n\nExample:\n  openapim apim restore -g rg2 -n standby --backup-name contoso.apimbackup --storage-account-name devstoreaccount1 --storage-account-key KEY --storage-account-container backups")
        {
            Group, Name, NoWait, preview, scope, replication, pointInTime, position, entities,
        };
        storage.AddTo(command);
        command.SetAction((parse, ct) => CommandRunner.RunAsync((parse, ct), async context =>
        {
            var body = storage.Body(context);
            if (context.Get(replication) is { } stream)
            {
                body.Remove("backupName");
                body["replication"] = stream;
                if (context.Get(pointInTime) is { } at)
                {
                    body["pointInTime"] = at.ToUniversalTime().ToString("O");
                }

                if (context.Get(position) is { } p)
                {
                    body["journalPosition"] = p;
                }

                if (context.Get(entities) is { Length: > 0 } chosen)
                {
                    body["entities"] = new JsonArray([.. chosen.Select(e => (JsonNode)e)]);
                }
            }
            else if (!body.ContainsKey("backupName"))
            {
                throw CliFailure.Usage("--backup-name is required (or --replication to restore from a stream).");
            }

            if (context.Get(scope) is { } restoreScope)
            {
                body["restoreScope"] = restoreScope;
            }

            var arm = await context.ArmAsync();
            var path = arm.Service(context.Get(Group), context.Get(Name));
            var outcome = await Run(context, arm, $"{path}/{(context.Get(preview) ? "previewRestore" : "restore")}", body, context.Get(preview) ? "preview" : "restore");
            context.Write(Result(outcome), () => OutcomeTable(outcome));
        }));
        return command;
    }

    /// <summary>Starts the action and, unless --no-wait, follows it with live progress (on stderr).</summary>
    public static async Task<OperationOutcome> Run(CliContext context, ArmSession arm, string path, JsonObject body, string what)
    {
        var wait = !context.Parse.GetValue(NoWait);
        return await WithStatus(context, what, status => arm.RunAsync(path, body, wait, p => status($"{what}: {p}"), context.Cancellation));
    }

    public static JsonObject Result(OperationOutcome outcome) => new()
    {
        ["status"] = outcome.Status,
        ["location"] = outcome.Location,
        ["summary"] = outcome.Summary?.DeepClone(),
        ["result"] = outcome.Body?.DeepClone(),
    };

    private static Table OutcomeTable(OperationOutcome outcome)
    {
        var rows = new List<(string, object?)> { ("Status", outcome.Status) };
        if (outcome.Summary is JsonObject summary)
        {
            rows.AddRange(summary.Where(kv => kv.Value is JsonValue).Select(kv => (kv.Key, (object?)kv.Value!.ToString())));
            if (summary["counts"] is JsonObject counts)
            {
                rows.Add(("entities by kind", string.Join(", ", counts.Select(kv => $"{kv.Key} {kv.Value}"))));
            }
        }
        else if (outcome.Location is { } location)
        {
            rows.Add(("Location", location));
        }

        return CliContext.Fields([.. rows]);
    }

    private static Task<T> WithStatus<T>(CliContext context, string what, Func<Task<T>> work) => WithStatus(context, what, _ => work());

    /// <summary>A live spinner with the operation's phase on an interactive terminal; plain progress lines otherwise (stderr either way).</summary>
    private static async Task<T> WithStatus<T>(CliContext context, string what, Func<Action<string>, Task<T>> work)
    {
        if (context.Console.Profile.Capabilities.Interactive && !context.Json)
        {
            T result = default!;
            await context.Console.Status().StartAsync(what, async status => result = await work(text => status.Status(Markup.Escape(text))));
            return result;
        }

        string? last = null;
        return await work(text =>
        {
            if (text != last)
            {
                context.Error.WriteLine(text);
                last = text;
            }
        });
    }
}
