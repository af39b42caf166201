using Microsoft.AspNetCore.Http;

namespace OpenApim.Identity.Tokens;

/// <summary>A grant type the token endpoint redeems besides client credentials (the console's authorization code).</summary>
internal interface ITokenGrant
{
    string GrantType { get; }

    IResult Redeem(HttpContext context, IFormCollection form);
}
