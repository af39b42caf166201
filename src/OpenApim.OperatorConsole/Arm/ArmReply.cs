using System.Text.Json.Nodes;

namespace OpenApim.OperatorConsole.Arm;

/// <summary>One answer of the management API: status, body, the Location of a long-running operation, or the error.</summary>
public sealed record ArmReply(int Status, JsonNode? Body, string? Location)
{
    public bool Ok => Status is >= 200 and < 300;

    public ArmError? Error => Ok ? null : new ArmError(
        Body?["error"]?["code"]?.GetValue<string>() ?? $"Http{Status}",
        Body?["error"]?["message"]?.GetValue<string>() ?? $"The management API answered {Status}.");
}
