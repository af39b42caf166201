using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.Tokens;

namespace OpenApim.Identity.Tokens;

/// <summary>RFC 7636's S256: the challenge a client sends for its verifier.</summary>
public static class Pkce
{
    public static string Challenge(string verifier) => Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
}
