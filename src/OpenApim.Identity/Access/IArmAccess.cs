using System.Security.Claims;

namespace OpenApim.Identity.Access;

/// <summary>The one question the rest of the server asks access control: may this caller perform this ARM action?</summary>
public interface IArmAccess
{
    Task<bool> AllowsAsync(ClaimsPrincipal caller, ArmAction action, CancellationToken ct);
}
