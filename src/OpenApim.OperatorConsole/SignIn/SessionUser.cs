namespace OpenApim.OperatorConsole.SignIn;

/// <summary>Who a console session is for and the token it acts with; <paramref name="Issuer"/> is the trusted issuer's index, null for the embedded issuer.</summary>
internal sealed record SessionUser(string ObjectId, string Name, string UserName, string AccessToken, DateTimeOffset ExpiresAt, int? Issuer)
{
    public override string ToString() => $"SessionUser {{ ObjectId = {ObjectId}, UserName = {UserName}, Issuer = {Issuer} }}";
}
