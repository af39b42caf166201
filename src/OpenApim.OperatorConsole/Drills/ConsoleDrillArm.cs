using System.Text.Json.Nodes;
using OpenApim.Drills;
using OpenApim.OperatorConsole.Arm;

namespace OpenApim.OperatorConsole.Drills;

/// <summary>The signed-in user's ARM connection as a drill sees it: the drill can do what the user may, no more.</summary>
internal sealed class ConsoleDrillArm(ArmConnection arm, TimeProvider time) : IDrillArm
{
    public async Task<JsonNode?> FindAsync(string path, CancellationToken ct)
    {
        var reply = await arm.GetAsync(path, ct);
        return reply.Status == 404 ? null : Body(reply, path);
    }

    public async Task<JsonNode> GetAsync(string path, CancellationToken ct) => Body(await arm.GetAsync(path, ct), path) ?? throw new DrillStepException("EmptyResponse", $"GET {path} answered no body.");

    public async Task<List<JsonNode>> ListAsync(string path, CancellationToken ct)
    {
        try
        {
            return await arm.ListAsync(path, int.MaxValue, ct);
        }
        catch (ArmRefusedException e)
        {
            throw new DrillStepException(e.Error.Code, e.Error.Message);
        }
    }

    public async Task<JsonNode?> PostAsync(string path, CancellationToken ct) => Body(await arm.SendAsync(HttpMethod.Post, path, null, ct), path);

    public async Task CreateAsync(string path, JsonObject body, CancellationToken ct)
    {
        Body(await arm.SendAsync(HttpMethod.Put, path, body, ct), path);
        for (var i = 0; i < 600; i++)
        {
            var state = (await GetAsync(path, ct))["properties"]?["provisioningState"]?.GetValue<string>();
            if (state is null or "Succeeded")
            {
                return;
            }

            if (state is "Failed" or "Canceled")
            {
                throw new DrillStepException("ProvisioningFailed", $"{path} ended {state}.");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500), time, ct);
        }

        throw new DrillStepException("ProvisioningTimedOut", $"{path} was not provisioned within 5 minutes.");
    }

    public async Task<JsonNode?> RunAsync(string path, JsonObject body, CancellationToken ct)
    {
        var started = await arm.SendAsync(HttpMethod.Post, path, body, ct);
        Body(started, path);
        if (started.Status != 202 || started.Location is null)
        {
            return started.Body;
        }

        var deadline = time.GetUtcNow() + TimeSpan.FromMinutes(30);
        while (true)
        {
            if (time.GetUtcNow() > deadline)
            {
                throw new DrillStepException("OperationTimedOut", $"{path} did not end within 30 minutes.");
            }

            var separator = started.Location.Contains('?', StringComparison.Ordinal) ? '&' : '?';
            var status = Body(await arm.GetAsync(started.Location + separator + "asyncResponse=true", ct), path);
            switch (status?["status"]?.GetValue<string>())
            {
                case "Succeeded":
                    return status["properties"];
                case "Failed" or "Canceled":
                    throw new DrillStepException(status["error"]?["code"]?.GetValue<string>() ?? "OperationFailed", status["error"]?["message"]?.GetValue<string>() ?? $"{path} failed.");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250), time, ct);
        }
    }

    private static JsonNode? Body(ArmReply reply, string path) =>
        reply.Ok ? reply.Body : throw new DrillStepException(reply.Error!.Code, $"{reply.Error.Message} ({path})");
}
