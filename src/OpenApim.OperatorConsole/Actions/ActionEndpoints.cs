using Microsoft.Extensions.DependencyInjection;
using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using OpenApim.Backup.Catalog;
using OpenApim.OperatorConsole.Arm;
using OpenApim.OperatorConsole.Drills;
using OpenApim.OperatorConsole.Records;
using OpenApim.OperatorConsole.Storage;

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
            Guarded(c, form => VerifyAsync(c, api, catalogs, gate, records, time, form)));
        group.MapPost("/drill", (HttpContext c, ManagementApi api, DrillRunner drills, TimeProvider time) => Guarded(c, form => DrillAsync(c, api, drills, time, form)));
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

    /// <summary>Re-checks an archive without restoring it (format, every checksum, decryption); the result is kept for the source service's posture.</summary>
    private static async Task<IResult> VerifyAsync(HttpContext c, ManagementApi api, ContainerCatalogs catalogs, VerifyGate gate, ConsoleRecords records, TimeProvider time, IFormCollection form)
    {
        if (StorageConnection.From(c) is not { } storage)
        {
            return Back(c, "/console/backups", new ArmError("NoStorage", "Connect to a storage container first."));
        }

        var name = form["backupName"].ToString();
        var arm = (await api.ForAsync(c))!;
        VerifyReport report;
        CatalogEntry? entry;
        try
        {
            var catalog = catalogs.Open(storage.StorageAccount, storage.AccessKey, storage.ContainerName);
            entry = await catalog.ShowAsync(name, c.RequestAborted);
            // Verifying downloads and checks the whole archive on the server: only for an archive the user is shown, one at a time, of bounded size.
            if (entry is null || (entry.SourceId is { } sourceId && !await ArchiveAccess.MayReadAsync(arm, sourceId, canRestore: true, c.RequestAborted)))
            {
                return Back(c, "/console/backups", new ArmError("BackupNotFound", $"The container holds no backup named '{name}' that you may see."));
            }

            if (entry.Bytes > VerifyGate.MaxBytes)
            {
                return Back(c, "/console/backups", new ArmError("BackupTooLarge", $"'{name}' is {entry.Bytes:N0} bytes; the console verifies archives up to {VerifyGate.MaxBytes:N0} bytes (use openapim backup verify)."));
            }

            using var turn = gate.TryEnter();
            if (turn is null)
            {
                return Back(c, "/console/backups", new ArmError("VerifyBusy", "Another verification is running on this server; try again when it has finished."));
            }

            report = await catalog.VerifyAsync(name, c.RequestAborted);
        }
        catch (CatalogException e)
        {
            return Back(c, "/console/backups", new ArmError(e.Code, e.Message));
        }

        // Recorded only for a service whose backups the user may take: the record is part of that service's posture.
        if (entry.SourceId is { } source && ServiceAddress.TryParseId(source, out var service)
            && (await Permissions.AtAsync(arm, service.Id, c.RequestAborted)).Allows("Microsoft.ApiManagement/service/backup/action"))
        {
            var failed = report.Checks.FirstOrDefault(k => !k.Passed);
            await records.SaveAsync(new Verification(service.Id, name, report.Passed, time.GetUtcNow(), c.User.Identity?.Name ?? "?", failed is null ? null : $"{failed.Name}: {failed.Detail}"), c.RequestAborted);
        }

        return report.Passed
            ? Results.Redirect("/console/backups")
            : Back(c, "/console/backups", new ArmError(report.Code ?? "VerificationFailed", $"'{name}' did not verify: " + string.Join("; ", report.Checks.Where(k => !k.Passed).Select(k => $"{k.Name}: {k.Detail}"))));
    }

    /// <summary>Starts a drill in the background with the user's token and opens its live page.</summary>
    private static async Task<IResult> DrillAsync(HttpContext c, ManagementApi api, DrillRunner drills, TimeProvider time, IFormCollection form)
    {
        if (!ServiceAddress.TryParseId(form["primary"], out var primary))
        {
            return Back(c, "/console/drills", new ArmError("InvalidPrimary", "Choose the primary service."));
        }

        if (!ServiceAddress.TryCreate(primary.Subscription, form["standbyGroup"].ToString().Trim(), form["standbyName"].ToString().Trim(), out var standby))
        {
            return Back(c, "/console/drills", new ArmError("InvalidStandby", "The standby is a resource group and a service name (1-50 letters, digits and hyphens, starting with a letter)."));
        }

        if (string.Equals(primary.Key, standby.Key, StringComparison.Ordinal))
        {
            return Back(c, "/console/drills", new ArmError("InvalidStandby", "The standby must be another service than the primary."));
        }

        if (StorageConnection.From(c) is not { } storage)
        {
            return Back(c, "/console/drills", new ArmError("NoStorage", "Connect to a storage container first (Backups page): the drill backs up into it."));
        }

        // The drill backs the primary up and restores (or creates) the standby with the user's token: refuse up front what ARM would refuse halfway.
        var arm = (await api.ForAsync(c))!;
        var onPrimary = await Permissions.AtAsync(arm, primary.Id, c.RequestAborted);
        var standbyExists = (await arm.GetAsync(standby.Id, c.RequestAborted)).Ok;
        var onStandby = await Permissions.AtAsync(arm, standbyExists ? standby.Id : $"/subscriptions/{standby.Subscription}/resourceGroups/{standby.ResourceGroup}", c.RequestAborted);
        if (!(await arm.GetAsync(primary.Id, c.RequestAborted)).Ok || !onPrimary.Allows("Microsoft.ApiManagement/service/backup/action")
            || !onStandby.Allows(standbyExists ? "Microsoft.ApiManagement/service/restore/action" : "Microsoft.ApiManagement/service/write"))
        {
            return Back(c, "/console/drills", new ArmError("AuthorizationFailed", $"A drill needs the backup of {primary.Name} and the restore into {standby.Name} (or creating it): your roles do not allow both."));
        }

        // The drill acts with the session's token: one that ends mid-drill would fail it halfway, so a short-lived session signs in again first.
        var session = await c.AuthenticateAsync(ConsoleSession.Scheme);
        if (session.Properties?.ExpiresUtc is { } expires && expires - time.GetUtcNow() < DrillRunner.LongestDrill)
        {
            return Back(c, "/console/drills", new ArmError("SessionEndingSoon", $"Your session ends at {expires:HH:mm} UTC, before a drill could finish: sign out and in again, then run the drill."));
        }

        if ((drills.Busy(standby) ?? drills.Busy(primary)) is { } running)
        {
            return Back(c, "/console/drills", new ArmError("DrillRunning", $"A drill of {running.Primary.Name} into {running.Standby.Name} is running (started by {running.By}); wait for it to end."));
        }

        if (drills.Running >= DrillRunner.MostAtOnce)
        {
            return Back(c, "/console/drills", new ArmError("TooManyDrills", $"{DrillRunner.MostAtOnce} drills are running on this server; wait for one to end."));
        }

        var drill = drills.Start(arm, primary, standby, storage, c.User.Identity?.Name ?? "?");
        return Results.Redirect($"/console/drills/{drill.Id}");
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

    private static JsonObject Body(StorageConnection storage, string backupName) => new()
    {
        ["storageAccount"] = storage.StorageAccount,
        ["accessKey"] = storage.AccessKey,
        ["containerName"] = storage.ContainerName,
        ["backupName"] = backupName,
    };

    /// <summary>A started operation's page, or the ARM error on the page the form came from.</summary>
    private static IResult Started(HttpContext c, ServiceAddress service, ArmReply reply)
    {
        if (reply.Status == 202 && OperationAddress.FromLocation(service, reply.Location) is { } operation)
        {
            return Results.Redirect(operation.Page);
        }

        return Back(c, Referer(c) ?? service.Page, reply.Error ?? new ArmError("Unexpected", $"The management API answered {reply.Status} without an operation."));
    }

    /// <summary>Back to a console page, which shows the error once (it travels in an encrypted cookie, so no link can forge one).</summary>
    private static IResult Back(HttpContext c, string page, ArmError error)
    {
        Flash.Set(c, error);
        return Results.Redirect(page);
    }

    private static string? Referer(HttpContext c) =>
        Uri.TryCreate(c.Request.Headers.Referer.ToString(), UriKind.Absolute, out var referer) && referer.Authority == c.Request.Host.Value
            ? SignIn.SignInEndpoints.LocalConsolePath(referer.PathAndQuery) : null;

    /// <summary>Runs an action for a form that carries a valid antiforgery token, and writes what it answers.</summary>
    private static async Task Guarded(HttpContext c, Func<IFormCollection, Task<IResult>> action)
    {
        var antiforgery = c.RequestServices.GetRequiredService<IAntiforgery>();
        if (!c.Request.HasFormContentType || !await antiforgery.IsRequestValidAsync(c))
        {
            await Results.Content(SignIn.MessagePage.Render("Request refused", "The form was not valid or has expired (it must come from a console page). Reload the page and try again.", ("Back to the console", "/console")),
                "text/html; charset=utf-8", statusCode: 400).ExecuteAsync(c);
            return;
        }

        IResult result;
        try
        {
            result = await action(await c.Request.ReadFormAsync(c.RequestAborted));
        }
        catch (ArmRefusedException e)
        {
            result = Back(c, Referer(c) ?? "/console", e.Error);
        }
        catch (Exception e) when (e is HttpRequestException or System.Text.Json.JsonException || (e is TaskCanceledException && !c.RequestAborted.IsCancellationRequested))
        {
            // The management API did not answer (or answered nonsense): the page says so instead of a 500.
            result = Back(c, Referer(c) ?? "/console", new ArmError("ManagementApiUnavailable", $"The management API did not answer: {e.Message}"));
        }

        await result.ExecuteAsync(c);
    }
}
