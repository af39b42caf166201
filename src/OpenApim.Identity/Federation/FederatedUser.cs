namespace OpenApim.Identity.Federation;

/// <summary>
/// A person signed in through a trusted issuer: the principal id role assignments name (the access token's
/// <c>oid</c>, else its <c>sub</c>), labels from the id token, and the access token the management API accepts.
/// </summary>
public sealed record FederatedUser(string ObjectId, string Name, string UserName, string AccessToken, DateTimeOffset ExpiresAt)
{
    /// <summary>Never prints the token.</summary>
    public override string ToString() => $"FederatedUser {{ ObjectId = {ObjectId}, UserName = {UserName}, ExpiresAt = {ExpiresAt:O} }}";
}
