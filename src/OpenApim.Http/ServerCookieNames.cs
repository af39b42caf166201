namespace OpenApim.Http;

/// <summary>
/// The cookies the server sets on its own host (console session, sign-in, storage, flash, antiforgery), all with one
/// prefix: the gateway never forwards cookies with it to a backend nor lets one set them (cookies ignore ports).
/// </summary>
public static class ServerCookieNames
{
    public const string Prefix = "__Host-openapim-";

    public const string Session = Prefix + "console";

    public const string SignIn = Prefix + "signin";

    public const string Storage = Prefix + "storage";

    public const string Flash = Prefix + "flash";

    public const string Antiforgery = Prefix + "antiforgery";
}
