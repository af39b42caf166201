using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using OpenApim.Resources.Arm;
using OpenApim.Resources.Store;

namespace OpenApim.Identity.Access;

/// <summary>Role assignments in the directory table, and the access decision made from them.</summary>
internal sealed class RoleAssignments(IDirectoryStore store, TimeProvider time) : IArmAccess
{
    private static readonly string[] PrincipalTypes = ["ServicePrincipal", "User", "Group", "ForeignGroup", "Device"];

    public async Task<IReadOnlyList<RoleAssignment>> ListAsync(CancellationToken ct) =>
        [.. (await store.ListAsync(RoleAssignment.Kind, ct)).Select(RoleAssignment.FromEntry)];

    public async Task<IReadOnlyList<RoleAssignment>> ForPrincipalsAsync(IReadOnlyCollection<string> principalIds, CancellationToken ct) =>
        [.. (await store.ListByPrincipalsAsync(RoleAssignment.Kind, [.. principalIds.Select(p => p.ToLowerInvariant()).Distinct()], ct)).Select(RoleAssignment.FromEntry)];

    public async Task<RoleAssignment?> FindAsync(string name, CancellationToken ct) =>
        await store.GetAsync(RoleAssignment.Kind, name.ToLowerInvariant(), ct) is { } e ? RoleAssignment.FromEntry(e) : null;

    /// <summary>
    /// Creates an assignment. Like ARM: an identical one under the same name is returned as is, a
    /// different one under the same name is a conflict, and the same grant under another name too.
    /// </summary>
    public async Task<RoleAssignment> CreateAsync(string name, string scope, RoleDefinition role, string principalId, string? principalType, string? description, string? createdBy, CancellationToken ct)
    {
        scope = ValidateScope(scope);
        if (!Guid.TryParse(name, out _))
        {
            throw ArmErrors.Validation("name", $"The role assignment name '{name}' is not valid: it must be a GUID.");
        }

        if (!Guid.TryParse(principalId, out _))
        {
            throw ArmErrors.Validation("properties.principalId", $"The principal id '{principalId}' is not valid: it must be an object id (GUID).");
        }

        var type = principalType ?? "ServicePrincipal";
        if (!PrincipalTypes.Contains(type, StringComparer.OrdinalIgnoreCase))
        {
            throw ArmErrors.Validation("properties.principalType", $"'principalType' must be one of {string.Join(", ", PrincipalTypes)}.");
        }

        var assignment = new RoleAssignment(name.ToLowerInvariant(), scope, role.Id, principalId.ToLowerInvariant(),
            PrincipalTypes.First(t => t.Equals(type, StringComparison.OrdinalIgnoreCase)), description, time.GetUtcNow(), createdBy);

        if (await FindAsync(name, ct) is { } existing)
        {
            return SameGrant(existing, assignment) ? existing : throw ArmErrors.RoleAssignmentUpdateNotPermitted();
        }

        var duplicate = (await ForPrincipalsAsync([assignment.PrincipalId], ct)).FirstOrDefault(a => SameGrant(a, assignment));
        if (duplicate is not null)
        {
            throw ArmErrors.RoleAssignmentExists(duplicate.Name.Replace("-", "", StringComparison.Ordinal));
        }

        if (await store.CreateAsync(assignment.ToEntry(), ct))
        {
            return assignment;
        }

        // A concurrent PUT of the same name won: the same grant is fine, another is a conflict.
        var raced = await FindAsync(name, ct) ?? throw ArmErrors.RoleAssignmentNotFound(name);
        return SameGrant(raced, assignment) ? raced : throw ArmErrors.RoleAssignmentUpdateNotPermitted();
    }

    public Task<bool> DeleteAsync(string name, CancellationToken ct) => store.DeleteAsync(RoleAssignment.Kind, name.ToLowerInvariant(), ct);

    /// <summary>Grants <paramref name="role"/> over <paramref name="scope"/> under a name derived from both, so repeating it changes nothing.</summary>
    public async Task EnsureAsync(string principalId, RoleDefinition role, string scope, string description, CancellationToken ct, string principalType = "ServicePrincipal")
    {
        var name = EnsuredName(principalId, role, scope);
        var assignment = new RoleAssignment(name, scope, role.Id, principalId.ToLowerInvariant(), principalType, description, time.GetUtcNow(), null);
        _ = await store.CreateAsync(assignment.ToEntry(), ct);
    }

    /// <summary>Takes back what <see cref="EnsureAsync"/> granted; true when there was such an assignment.</summary>
    public Task<bool> RevokeEnsuredAsync(string principalId, RoleDefinition role, string scope, CancellationToken ct) =>
        DeleteAsync(EnsuredName(principalId, role, scope), ct);

    private static string EnsuredName(string principalId, RoleDefinition role, string scope) =>
        new Guid(SHA256.HashData(Encoding.UTF8.GetBytes($"{principalId}|{role.Id}|{scope}".ToLowerInvariant())).AsSpan(0, 16)).ToString();

    public Task<bool> AllowsAsync(ClaimsPrincipal caller, ArmAction action, CancellationToken ct) => AllowsAsync(Caller.PrincipalIds(caller), action, ct);

    public async Task<bool> SeesAsync(ClaimsPrincipal caller, string scope, CancellationToken ct) =>
        (await ForPrincipalsAsync(Caller.PrincipalIds(caller), ct)).Any(a => ArmScope.Covers(a.Scope, scope) || ArmScope.Covers(scope, a.Scope));

    /// <summary>True when one of the principals holds, over <paramref name="action"/>'s scope or above it, a role that allows it.</summary>
    public async Task<bool> AllowsAsync(IReadOnlyCollection<string> principalIds, ArmAction action, CancellationToken ct)
    {
        if (action.IsOpen)
        {
            return true;
        }

        foreach (var assignment in await ForPrincipalsAsync(principalIds, ct))
        {
            if (ArmScope.Covers(assignment.Scope, action.Scope) && BuiltInRoles.Find(assignment.RoleDefinitionId) is { } role && role.Allows(action.Action))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The scope in canonical form; a malformed one is a 400.</summary>
    public static string ValidateScope(string scope) => ArmScope.Parse(scope) ?? throw ArmErrors.InvalidScope(scope);

    private static bool SameGrant(RoleAssignment a, RoleAssignment b) =>
        string.Equals(a.Scope, b.Scope, StringComparison.OrdinalIgnoreCase)
        && string.Equals(a.RoleDefinitionId, b.RoleDefinitionId, StringComparison.OrdinalIgnoreCase)
        && string.Equals(a.PrincipalId, b.PrincipalId, StringComparison.OrdinalIgnoreCase);
}
