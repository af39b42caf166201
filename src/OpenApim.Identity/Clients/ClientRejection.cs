namespace OpenApim.Identity.Clients;

/// <summary>Why a client could not authenticate (OAuth error code and description); <paramref name="UnknownClient"/> when no such client exists.</summary>
internal sealed record ClientRejection(string Error, string Description, int Status = 401, bool UnknownClient = false);
