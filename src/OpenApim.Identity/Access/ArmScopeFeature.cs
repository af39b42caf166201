namespace OpenApim.Identity.Access;

/// <summary>
/// The scope a <c>{scope}/providers/Microsoft.Authorization/...</c> request was sent to, kept aside when its path is
/// rewritten to the scope-less routes (<see cref="ScopedProviders"/>); authorisation checks the action over it.
/// </summary>
internal sealed record ArmScopeFeature(string Scope);
