using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using OpenApim.Backup.Catalog;
using OpenApim.OperatorConsole.Arm;
using OpenApim.OperatorConsole.Drills;
using OpenApim.OperatorConsole.Records;
using OpenApim.OperatorConsole.Storage;
using static OpenApim.OperatorConsole.Actions.ActionForms;

namespace OpenApim.OperatorConsole.Actions;

/// <summary>
/// What the console's buttons do: each is a form POST with an antiforgery token, turned into one ARM call with the
/// user's token; a long-running one redirects to its operation's page, which follows it live. A refusal (the user's
/// role does not allow it, a bad value) comes back as the management API's ARM error on the page it came from.
/// </summary>
internal static class ActionEndpoints
{
    public static void Map(RouteGroupBuilder group)
    {
        group.DisableAntiforgery(); // validated explicitly below, before anything is read from the form
        group.MapPost("/storage", ConnectStorageAsync);
        group.MapPost("/storage/forget", ForgetStorageAsync);
        group.MapPost("/backup", (HttpContext c, ManagementApi api, TimeProvider time) => Guarded(c, form => BackUpAsync(c, api, time, form)));
        group.MapPost("/restore", (HttpContext c, ManagementApi api) => Guarded(c, form => RestoreAsync(c, api, form)));
        group.MapPost("/verify", (HttpContext c, ManagementApi api, ContainerCatalogs catalogs, VerifyGate gate, ConsoleRecords records, TimeProvider time) =>
            Guarded(c, form => VerifyAction.VerifyAsync(c, api, catalogs, gate, records, time, form)));
        group.MapPost("/drill", (HttpContext c, ManagementApi api, DrillRunner drills, TimeProvider time) => Guarded(c, form => DrillAction.DrillAsync(c, api, drills, time, form)));
        group.MapPost("/service", (HttpContext c, ManagementApi api) => Guarded(c, form => CreateServiceAsync(c, api, form)));
        group.MapPost("/target", (HttpContext c, ManagementApi api) => Guarded(c, form => SetTargetAsync(c, api, form)));
    }

    private static Task ForgetStorageAsync(HttpContext c) => Guarded(c, _ =>
    {
        StorageConnection.Forget(c);
        return Task.FromResult(Results.Redirect("/console/backups"));
    });

    private static Task ConnectStorageAsync(HttpContext c) => Guarded(c, form =>
    {
        var account = form["storageAccount"].ToString().Trim();
        var key = form["accessKey"].ToString().Trim();
        var container = form["containerName"].ToString().Trim();
        if (!ContainerCatalogs.IsAccountName(account) || !ContainerCatalogs.IsContainerName(container) || key.Length is 0 or > 512)
        {
            return Task.FromResult(Back(c, "/console/backups", new ArmError("InvalidStorage", "Give a storage account (3-24 lower-case letters and digits), its access key and a container (3-63 lower-case letters, digits and hyphens).")));
        }

        new StorageConnection(account, key, container, StorageConnection.UserOf(c)).Save(c);
        return Task.FromResult(Results.Redirect("/console/backups"));
    });

    private static async Task<IResult> BackUpAsync(HttpContext c, ManagementApi api, TimeProvider time, IFormCollection form)
    {
        if (!ServiceAddress.TryParseId(form["service"], out var service))
        {
            return Results.BadRequest();
        }

        if (StorageConnection.From(c) is not { } storage)
        {
            return Back(c, "/console/backups", new ArmError("NoStorage", "Connect to a storage container first (Backups page)."));
        }

        var name = form["backupName"].ToString().Trim();
        if (name.Length == 0)
        {
            name = $"{service.Name}-{time.GetUtcNow().ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture)}.apimbackup";
        }

        var arm = (await api.ForAsync(c))!;
        var reply = await arm.SendAsync(HttpMethod.Post, $"{service.Id}/backup", Body(storage, name), c.RequestAborted);
        return Started(c, service, reply);
    }

    private static async Task<IResult> RestoreAsync(HttpContext c, ManagementApi api, IFormCollection form)
    {
        if (!ServiceAddress.TryParseId(form["target"], out var target))
        {
            return Back(c, "/console/backups", new ArmError("InvalidTarget", "Choose the service to restore into."));
        }

        if (StorageConnection.From(c) is not { } storage)
        {
            return Back(c, "/console/backups", new ArmError("NoStorage", "Connect to a storage container first."));
        }

        // "Restore now" after a preview names the container the preview read: another one in the session is refused, not silently used.
        if ((form["storageAccount"].ToString() is { Length: > 0 } account && account != storage.StorageAccount)
            || (form["containerName"].ToString() is { Length: > 0 } container && container != storage.ContainerName))
        {
            return Back(c, "/console/backups", new ArmError("ContainerChanged", $"The preview read {form["storageAccount"]}/{form["containerName"]}, but this session is connected to {storage}. Connect to that container, or preview again."));
        }

        var body = Body(storage, form["backupName"].ToString().Trim());
        if (form["restoreScope"].ToString() is { Length: > 0 } scope)
        {
            body["restoreScope"] = scope;
        }

        if (form["replication"].ToString() is { Length: > 0 } stream)
        {
            // Point-in-time: the stream's chain replayed to the chosen moment (see docs/continuous-protection.md).
            body.Remove("backupName");
            body["replication"] = stream;
            if (form["pointInTime"].ToString() is { Length: > 0 } at)
            {
                if (!DateTimeOffset.TryParse(at, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var moment))
                {
                    return Back(c, "/console/backups", new ArmError("InvalidPointInTime", $"'{at}' is not a date and time."));
                }

                body["pointInTime"] = moment.ToString("O", CultureInfo.InvariantCulture);
            }
            else if (long.TryParse(form["journalPosition"], NumberStyles.None, CultureInfo.InvariantCulture, out var position))
            {
                body["journalPosition"] = position;
            }
        }

        var preview = form["mode"].ToString() == "preview";
        var arm = (await api.ForAsync(c))!;
        var reply = await arm.SendAsync(HttpMethod.Post, $"{target.Id}/{(preview ? "previewRestore" : "restore")}", body, c.RequestAborted);
        return Started(c, target, reply);
    }

    /// <summary>Creates a service with the user's token (ARM validates the SKU, location and e-mail).</summary>
    private static async Task<IResult> CreateServiceAsync(HttpContext c, ManagementApi api, IFormCollection form)
    {
        var arm = (await api.ForAsync(c))!;
        var subscriptions = await arm.ListAsync("/subscriptions", 1, c.RequestAborted);
        var subscription = subscriptions.FirstOrDefault()?["subscriptionId"]?.GetValue<string>();
        if (!ServiceAddress.TryCreate(subscription, form["resourceGroup"].ToString().Trim(), form["name"].ToString().Trim(), out var service))
        {
            return Back(c, "/console", new ArmError("InvalidName", "A service name is 1-50 letters, digits and hyphens, starting with a letter; a resource group 1-90 letters, digits, '.', '_', '-' and parentheses."));
        }

        var sku = form["sku"].ToString();
        var reply = await arm.SendAsync(HttpMethod.Put, service.Id, new JsonObject
        {
            ["location"] = form["location"].ToString().Trim(),
            ["sku"] = new JsonObject { ["name"] = sku, ["capacity"] = sku == "Consumption" ? 0 : 1 },
            ["properties"] = new JsonObject { ["publisherEmail"] = form["publisherEmail"].ToString().Trim(), ["publisherName"] = form["publisherEmail"].ToString().Trim().Split('@')[0] },
        }, c.RequestAborted);
        return reply.Ok ? Results.Redirect(service.Page) : Back(c, "/console", reply.Error!);
    }

    private static async Task<IResult> SetTargetAsync(HttpContext c, ManagementApi api, IFormCollection form)
    {
        if (!ServiceAddress.TryParseId(form["service"], out var service))
        {
            return Results.BadRequest();
        }

        if (!int.TryParse(form["minutes"], NumberStyles.None, CultureInfo.InvariantCulture, out var minutes) || minutes is < 1 or > 525_600)
        {
            return Back(c, service.Page, new ArmError("InvalidTarget", "The recovery-point target is a whole number of minutes, 1 to 525600."));
        }

        var arm = (await api.ForAsync(c))!;
        var current = await arm.GetAsync(service.Id, c.RequestAborted);
        if (!current.Ok)
        {
            return Back(c, service.Page, current.Error!);
        }

        var tags = current.Body?["tags"]?.DeepClone() as JsonObject ?? [];
        tags[RecoveryTarget.Tag] = minutes.ToString(CultureInfo.InvariantCulture);
        var reply = await arm.SendAsync(HttpMethod.Patch, service.Id, new JsonObject { ["tags"] = tags }, c.RequestAborted);
        return reply.Ok ? Results.Redirect(service.Page) : Back(c, service.Page, reply.Error!);
    }
}
