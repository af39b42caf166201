namespace OpenApim.Identity.Clients;

/// <summary>An application that authenticated with its client credentials.</summary>
internal sealed record AppPrincipal(string ClientId, string ObjectId, string DisplayName);

/// <summary>Why a client could not authenticate (OAuth error code and description); <paramref name="UnknownClient"/> when no such client exists.</summary>
internal sealed record ClientRejection(string Error, string Description, int Status = 401, bool UnknownClient = false);

/// <summary>Looks up applications and checks their secrets.</summary>
internal interface IClientDirectory
{
    /// <summary>The principal when <paramref name="secret"/> is a valid, unexpired secret of <paramref name="clientId"/>; otherwise a rejection.</summary>
    Task<(AppPrincipal? Principal, ClientRejection? Rejection)> AuthenticateAsync(string clientId, string secret, CancellationToken ct);

    /// <summary>True when a client with this id is registered (lockout counts failures for known and unknown ids apart).</summary>
    Task<bool> ExistsAsync(string clientId, CancellationToken ct);
}
