using System.Text.Json.Nodes;
using OpenApim.Cli.Common;
using OpenApim.Drills;

namespace OpenApim.Cli.Drill;

/// <summary>The CLI's ARM session as a drill sees it: its failures become the drill's step failures.</summary>
internal sealed class CliDrillArm(ArmSession arm) : IDrillArm
{
    public Task<JsonNode?> FindAsync(string path, CancellationToken ct) => Translate(() => arm.FindAsync(path, ct));

    public Task<JsonNode> GetAsync(string path, CancellationToken ct) =>
        Translate(async () => await arm.GetAsync(path, ct) ?? throw new DrillStepException("EmptyResponse", $"GET {path} answered no body."));

    public Task<List<JsonNode>> ListAsync(string path, CancellationToken ct) => Translate(() => arm.ListAsync(path, ct));

    public Task<JsonNode?> PostAsync(string path, CancellationToken ct) => Translate(async () => (await arm.SendAsync(HttpMethod.Post, path, null, ct)).Body);

    public Task CreateAsync(string path, JsonObject body, CancellationToken ct) => Translate(async () =>
    {
        await arm.SendAsync(HttpMethod.Put, path, body, ct);
        return await arm.WaitProvisionedAsync(path, ct);
    });

    public Task<JsonNode?> RunAsync(string path, JsonObject body, CancellationToken ct) => Translate(async () => (await arm.RunAsync(path, body, wait: true, null, ct)).Summary);

    private static async Task<T> Translate<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (CliFailure e) when (e.ExitCode == ExitCodes.Failed)
        {
            throw new DrillStepException(e.Code, e.Message);
        }
    }
}
