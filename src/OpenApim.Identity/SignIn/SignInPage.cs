using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Http;

namespace OpenApim.Identity.SignIn;

/// <summary>
/// The issuer's sign-in page: a user-name field, a password field and a submit button, with the authorization
/// request carried in hidden fields. Its only style is inline and allowed by its hash; it runs no script, cannot be
/// framed, posts only to itself and is never cached.
/// </summary>
internal static class SignInPage
{
    private const string Style = """
        body{font:16px/1.5 system-ui,sans-serif;background:#f3f4f6;color:#111827;margin:0;display:flex;min-height:100vh;align-items:center;justify-content:center}
        main{background:#fff;padding:2rem 2.5rem;border-radius:8px;box-shadow:0 1px 4px #0003;width:22rem}
        h1{font-size:1.4rem;margin:0 0 1rem}label{display:block;font-weight:600;margin-top:1rem}
        input{width:100%;box-sizing:border-box;padding:.5rem;border:1px solid #6b7280;border-radius:4px;font-size:1rem}
        input:focus,button:focus{outline:3px solid #2563eb;outline-offset:1px}
        button{margin-top:1.5rem;width:100%;padding:.6rem;background:#1d4ed8;color:#fff;border:0;border-radius:4px;font-size:1rem;cursor:pointer}
        .error{background:#fee2e2;color:#7f1d1d;border:1px solid #b91c1c;padding:.5rem .75rem;border-radius:4px}
        p.hint{color:#374151;font-size:.875rem}
        .or{margin:1.5rem 0 .5rem;color:#374151;font-size:.875rem;text-align:center}
        a.idp{display:block;margin-top:.5rem;padding:.55rem;border:1px solid #1d4ed8;border-radius:4px;color:#1d4ed8;text-align:center;text-decoration:none;font-weight:600}
        a.idp:focus{outline:3px solid #2563eb;outline-offset:1px}
        """;

    private static readonly string StyleHash = Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(Style)));

    public static readonly string ContentSecurityPolicy =
        $"default-src 'none'; style-src 'sha256-{StyleHash}'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    /// <summary>Headers every page of the issuer carries.</summary>
    public static void Secure(HttpResponse response)
    {
        response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
        response.Headers.XFrameOptions = "DENY";
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers["Referrer-Policy"] = "no-referrer";
        response.Headers.CacheControl = "no-store";
    }

    public static string Render(IReadOnlyDictionary<string, string> request, string antiforgeryField, string antiforgeryToken, string? userName, string? error,
        IReadOnlyList<Federation.FederatedProvider> providers)
    {
        var h = HtmlEncoder.Default;
        var hidden = new StringBuilder();
        foreach (var (name, value) in request)
        {
            hidden.Append("<input type=\"hidden\" name=\"").Append(h.Encode(name)).Append("\" value=\"").Append(h.Encode(value)).Append("\">");
        }

        var external = new StringBuilder();
        if (providers.Count > 0)
        {
            external.Append("<p class=\"or\">or</p>");
            foreach (var p in providers)
            {
                external.Append("<a class=\"idp\" href=\"").Append(ConsoleClient.ExternalSignInPath).Append('/').Append(p.Index)
                    .Append("\">Sign in with ").Append(h.Encode(p.DisplayName)).Append("</a>");
            }
        }

        var alert = error is null ? "" : $"<p class=\"error\" role=\"alert\" id=\"signin-error\">{h.Encode(error)}</p>";
        return $"""
            <!DOCTYPE html>
            <html lang="en">
            <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Sign in · OpenApim</title><style>{Style}</style></head>
            <body><main>
            <h1>Sign in to OpenApim</h1>
            {alert}
            <form method="post" autocomplete="on">
            {hidden}<input type="hidden" name="{h.Encode(antiforgeryField)}" value="{h.Encode(antiforgeryToken)}">
            <label for="username">User name</label>
            <input id="username" name="username" type="text" autocomplete="username" required maxlength="64" value="{h.Encode(userName ?? "")}" autofocus>
            <label for="password">Password</label>
            <input id="password" name="password" type="password" autocomplete="current-password" required maxlength="256">
            <button type="submit">Sign in</button>
            </form>
            {external}
            <p class="hint">The bootstrap administrator's password is in the file the server's start-up banner names.</p>
            </main></body></html>
            """;
    }

    public static string RenderProblem(string title, string message)
    {
        var h = HtmlEncoder.Default;
        return $"""
            <!DOCTYPE html>
            <html lang="en">
            <head><meta charset="utf-8"><title>{h.Encode(title)} · OpenApim</title><style>{Style}</style></head>
            <body><main><h1>{h.Encode(title)}</h1><p class="error" role="alert">{h.Encode(message)}</p></main></body></html>
            """;
    }
}
