namespace OpenApim.Identity.Authentication;

/// <summary>A token refused for a reason of ours (e.g. a tenant outside an issuer's restriction).</summary>
internal sealed class TokenRejectedException(string reason) : Exception(reason);
