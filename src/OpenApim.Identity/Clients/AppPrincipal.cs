namespace OpenApim.Identity.Clients;

/// <summary>An application that authenticated with its client credentials.</summary>
internal sealed record AppPrincipal(string ClientId, string ObjectId, string DisplayName);
