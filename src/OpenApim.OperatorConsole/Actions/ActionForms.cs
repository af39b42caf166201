using Microsoft.Extensions.DependencyInjection;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http;
using OpenApim.OperatorConsole.Arm;
using OpenApim.OperatorConsole.Storage;

namespace OpenApim.OperatorConsole.Actions;

/// <summary>What every console action shares: the antiforgery guard, the way back to a page with an error, the storage body.</summary>
internal static class ActionForms
{
    internal static JsonObject Body(StorageConnection storage, string backupName)
    {
        var body = storage.Body();
        body["backupName"] = backupName;
        return body;
    }

    /// <summary>A started operation's page, or the ARM error on the page the form came from.</summary>
    internal static IResult Started(HttpContext c, ServiceAddress service, ArmReply reply)
    {
        if (reply.Status == 202 && OperationAddress.FromLocation(service, reply.Location) is { } operation)
        {
            return Results.Redirect(operation.Page);
        }

        return Back(c, Referer(c) ?? service.Page, reply.Error ?? new ArmError("Unexpected", $"The management API answered {reply.Status} without an operation."));
    }

    /// <summary>Back to a console page, which shows the error once (it travels in an encrypted cookie, so no link can forge one).</summary>
    internal static IResult Back(HttpContext c, string page, ArmError error)
    {
        Flash.Set(c, error);
        return Results.Redirect(page);
    }

    internal static string? Referer(HttpContext c) =>
        Uri.TryCreate(c.Request.Headers.Referer.ToString(), UriKind.Absolute, out var referer) && referer.Authority == c.Request.Host.Value
            ? SignIn.SignInEndpoints.LocalConsolePath(referer.PathAndQuery) : null;

    /// <summary>Runs an action for a form that carries a valid antiforgery token, and writes what it answers.</summary>
    internal static async Task Guarded(HttpContext c, Func<IFormCollection, Task<IResult>> action)
    {
        var antiforgery = c.RequestServices.GetRequiredService<IAntiforgery>();
        if (!c.Request.HasFormContentType || !await antiforgery.IsRequestValidAsync(c))
        {
            await Results.Content(SignIn.MessagePage.Render("Request refused", "The form was not valid or has expired (it must come from a console page). Reload the page and try again.", ("Back to the console", "/console")),
                "text/html; charset=utf-8", statusCode: 400).ExecuteAsync(c);
            return;
        }

        IResult result;
        try
        {
            result = await action(await c.Request.ReadFormAsync(c.RequestAborted));
        }
        catch (ArmRefusedException e)
        {
            result = Back(c, Referer(c) ?? "/console", e.Error);
        }
        catch (Exception e) when (e is HttpRequestException or System.Text.Json.JsonException || (e is TaskCanceledException && !c.RequestAborted.IsCancellationRequested))
        {
            // The management API did not answer (or answered nonsense): the page says so instead of a 500.
            result = Back(c, Referer(c) ?? "/console", new ArmError("ManagementApiUnavailable", $"The management API did not answer: {e.Message}"));
        }

        await result.ExecuteAsync(c);
    }
}
