using Microsoft.AspNetCore.Http;
using OpenApim.Backup.Catalog;
using OpenApim.OperatorConsole.Arm;
using OpenApim.OperatorConsole.Records;
using OpenApim.OperatorConsole.Storage;
using static OpenApim.OperatorConsole.Actions.ActionForms;

namespace OpenApim.OperatorConsole.Actions;

/// <summary>The catalog's Verify button.</summary>
internal static class VerifyAction
{
    /// <summary>Re-checks an archive without restoring it (format, every checksum, decryption); the result is kept for the source service's posture.</summary>
    public static async Task<IResult> VerifyAsync(HttpContext c, ManagementApi api, ContainerCatalogs catalogs, VerifyGate gate, ConsoleRecords records, TimeProvider time, IFormCollection form)
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
            var services = entry is null ? [] : await Posture.PostureReader.AddressesAsync(arm, c.RequestAborted);
            if (entry is null || (await ArchiveAccess.VisibleAsync(arm, [entry], services, (await ArchiveAccess.RestoreTargetsAsync(arm, services, c.RequestAborted)).Count > 0, c.RequestAborted)).Count == 0)
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
            && (await Permissions.AtAsync(arm, service.Id, c.RequestAborted)).Allows(Permissions.Backup))
        {
            var failed = report.Checks.FirstOrDefault(k => !k.Passed);
            await records.SaveAsync(new Verification(service.Id, name, report.Passed, time.GetUtcNow(), c.User.Identity?.Name ?? "?", failed is null ? null : $"{failed.Name}: {failed.Detail}"), c.RequestAborted);
        }

        return report.Passed
            ? Results.Redirect("/console/backups")
            : Back(c, "/console/backups", new ArmError(report.Code ?? "VerificationFailed", $"'{name}' did not verify: " + string.Join("; ", report.Checks.Where(k => !k.Passed).Select(k => $"{k.Name}: {k.Detail}"))));
    }
}
