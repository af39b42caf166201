using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Http;

namespace OpenApim.OperatorConsole.SignIn;

/// <summary>A one-message page (signed out, a sign-in that failed) in the console's style, for the moments without a session.</summary>
internal static class MessagePage
{
    /// <summary>The page as an HTML answer.</summary>
    public static IResult Show(string title, string message, (string Text, string Href) link, int status = 200) =>
        Results.Content(Render(title, message, link), "text/html; charset=utf-8", statusCode: status);

    public static string Render(string title, string message, (string Text, string Href) link)
    {
        var h = HtmlEncoder.Default;
        return $"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{h.Encode(title)} · OpenApim console</title><link rel="stylesheet" href="/console/assets/console.css"></head>
            <body class="message"><main><h1>{h.Encode(title)}</h1><p role="status">{h.Encode(message)}</p><p><a href="{h.Encode(link.Href)}">{h.Encode(link.Text)}</a></p></main></body></html>
            """;
    }

    /// <summary>
    /// The page a sign-in that came back from another site ends on: it moves on to <paramref name="localPath"/> itself, so
    /// that navigation starts on the console's own site and the browser sends the new SameSite=Strict session cookie with
    /// it (a redirect would continue the other site's navigation, and the cookie would stay behind).
    /// </summary>
    public static string Continue(string localPath)
    {
        var h = HtmlEncoder.Default;
        return $"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="0;url={h.Encode(localPath)}">
            <title>Signed in · OpenApim console</title><link rel="stylesheet" href="/console/assets/console.css"></head>
            <body class="message"><main><h1>Signed in</h1><p role="status">Opening the console...</p><p><a href="{h.Encode(localPath)}">Continue</a></p></main></body></html>
            """;
    }
}
