using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Http;
using OpenApim.OperatorConsole.Arm;

namespace OpenApim.OperatorConsole.Components;

/// <summary>
/// A console page: it reads what it shows through ARM with the signed-in user's token while it renders on the server.
/// An ARM refusal does not break the page: it is shown where the content would be.
/// </summary>
public abstract class ConsolePage : ComponentBase
{
    [CascadingParameter]
    public HttpContext Http { get; set; } = default!;

    [Inject]
    public ManagementApi Api { get; set; } = default!;

    [Inject]
    public TimeProvider Time { get; set; } = default!;

    protected ArmConnection Arm { get; private set; } = default!;

    /// <summary>The ARM error that kept the page from loading, if any.</summary>
    protected ArmError? Problem { get; set; }

    protected CancellationToken Aborted => Http.RequestAborted;

    protected DateTimeOffset Now { get; private set; }

    protected override async Task OnInitializedAsync()
    {
        Now = Time.GetUtcNow();
        Arm = await Api.ForAsync(Http) ?? throw new InvalidOperationException("The console page was rendered without a session.");
        try
        {
            await LoadAsync();
        }
        catch (ArmRefusedException e)
        {
            Problem = e.Error;
        }
        catch (HttpRequestException e)
        {
            Problem = new ArmError("ManagementApiUnreachable", e.Message);
        }
        catch (TaskCanceledException) when (!Aborted.IsCancellationRequested)
        {
            Problem = new ArmError("ManagementApiTimeout", "The management API did not answer in time; reload the page.");
        }
    }

    protected abstract Task LoadAsync();
}
