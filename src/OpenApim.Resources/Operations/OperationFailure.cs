using System.Net;
using System.Text.Json.Nodes;
using OpenApim.Resources.Arm;

namespace OpenApim.Resources.Operations;

/// <summary>Converts between an <see cref="ArmException"/> and the error JSON stored on a failed operation.</summary>
public static class OperationFailure
{
    public static JsonObject ToJson(ArmException e) => new()
    {
        ["status"] = (int)e.Status,
        ["code"] = e.Code,
        ["message"] = e.Message,
        ["details"] = new JsonArray(e.Details.Select(d => (JsonNode)new JsonObject { ["code"] = d.Code, ["message"] = d.Message, ["target"] = d.Target }).ToArray()),
    };

    public static ArmException FromJson(JsonObject error) => new(
        (HttpStatusCode)(error["status"]?.GetValue<int>() ?? 500),
        error["code"]?.GetValue<string>() ?? "OperationFailed",
        error["message"]?.GetValue<string>() ?? "The operation failed.",
        (error["details"] as JsonArray ?? []).OfType<JsonObject>()
            .Select(d => new ArmErrorDetail(d["code"]?.GetValue<string>() ?? "", d["message"]?.GetValue<string>() ?? "", d["target"]?.GetValue<string>()))
            .ToList());

    public static ArmException SecretUnavailable() => new(HttpStatusCode.InternalServerError, "OperationSecretUnavailable",
        "This node cannot open the operation's sealed credential: every node of a deployment needs the same {data-dir}/keys/operation-secrets.key (docs/operations.md). Start the operation again.");

    public static ArmException Interrupted(string kind) => new(HttpStatusCode.InternalServerError, "OperationInterrupted",
        $"The {kind} operation was interrupted: the server running it stopped before it finished. Nothing was changed by the part that ran; start the {kind} again.");
}
