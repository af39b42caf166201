using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using OpenApim.OperatorConsole.Arm;
using OpenApim.OperatorConsole.Drills;
using OpenApim.OperatorConsole.Storage;
using static OpenApim.OperatorConsole.Actions.ActionForms;

namespace OpenApim.OperatorConsole.Actions;

/// <summary>The Drills page's Run drill button.</summary>
internal static class DrillAction
{
    /// <summary>Starts a drill in the background with the user's token and opens its live page.</summary>
    public static async Task<IResult> DrillAsync(HttpContext c, ManagementApi api, DrillRunner drills, TimeProvider time, IFormCollection form)
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
        if (!(await arm.GetAsync(primary.Id, c.RequestAborted)).Ok || !onPrimary.Allows(Permissions.Backup)
            || !onStandby.Allows(standbyExists ? Permissions.Restore : Permissions.WriteService))
        {
            return Back(c, "/console/drills", new ArmError("AuthorizationFailed", $"A drill needs the backup of {primary.Name} and the restore into {standby.Name} (or creating it): your roles do not allow both."));
        }

        // The drill acts with the session's token: one that ends mid-drill would fail it halfway, so a short-lived session signs in again first.
        var session = await c.AuthenticateAsync(ConsoleSession.Scheme);
        if (session.Properties?.ExpiresUtc is { } expires && expires - time.GetUtcNow() < DrillRunner.LongestDrill)
        {
            return Back(c, "/console/drills", new ArmError("SessionEndingSoon", $"Your session ends at {expires:HH:mm} UTC, before a drill could finish: sign out and in again, then run the drill."));
        }

        try
        {
            var drill = drills.Start(arm, primary, standby, storage, c.User.Identity?.Name ?? "?");
            return Results.Redirect($"/console/drills/{drill.Id}");
        }
        catch (DrillConflictException e)
        {
            return Back(c, "/console/drills", new ArmError("DrillRunning", e.Message));
        }
    }
}
