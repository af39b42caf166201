using System.Security.Claims;

namespace OpenApim.Identity.Access;

/// <summary>What the rest of the server asks access control: may this caller perform an ARM action, and which scopes may it see?</summary>
public interface IArmAccess
{
    Task<bool> AllowsAsync(ClaimsPrincipal caller, ArmAction action, CancellationToken ct);

    /// <summary>
    /// Whether the caller holds any role at <paramref name="scope"/>, above it or anywhere below it: what makes ARM list a
    /// subscription (or resource group) to a principal.
    /// </summary>
    Task<bool> SeesAsync(ClaimsPrincipal caller, string scope, CancellationToken ct);
}
