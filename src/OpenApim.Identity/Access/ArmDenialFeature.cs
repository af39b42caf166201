namespace OpenApim.Identity.Access;

/// <summary>The action a request was denied, for the 403 answer.</summary>
internal sealed record ArmDenialFeature(ArmAction Action);
