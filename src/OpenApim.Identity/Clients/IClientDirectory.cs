namespace OpenApim.Identity.Clients;

/// <summary>Looks up applications and checks their secrets.</summary>
internal interface IClientDirectory
{
    /// <summary>The principal when <paramref name="secret"/> is a valid, unexpired secret of <paramref name="clientId"/>; otherwise a rejection.</summary>
    Task<(AppPrincipal? Principal, ClientRejection? Rejection)> AuthenticateAsync(string clientId, string secret, CancellationToken ct);

    /// <summary>True when a client with this id is registered (lockout counts failures for known and unknown ids apart).</summary>
    Task<bool> ExistsAsync(string clientId, CancellationToken ct);
}
