using System.Text.Json.Nodes;

namespace OpenApim.Drills;

/// <summary>
/// What a drill needs of an ARM connection: the caller's own (the CLI's profile, the console's signed-in user), so a
/// drill can do exactly what its caller may. Failures are <see cref="DrillStepException"/>s with the ARM error code.
/// </summary>
public interface IDrillArm
{
    /// <summary>A resource, or null when it does not exist.</summary>
    Task<JsonNode?> FindAsync(string path, CancellationToken ct);

    Task<JsonNode> GetAsync(string path, CancellationToken ct);

    /// <summary>Every item of a collection, following nextLink.</summary>
    Task<List<JsonNode>> ListAsync(string path, CancellationToken ct);

    /// <summary>A POST action that answers at once (listSecrets); its body.</summary>
    Task<JsonNode?> PostAsync(string path, CancellationToken ct);

    /// <summary>Creates a resource and waits until it is provisioned.</summary>
    Task CreateAsync(string path, JsonObject body, CancellationToken ct);

    /// <summary>Runs a long-running action (POST, 202 + Location) to its end; its summary (the status document's properties).</summary>
    Task<JsonNode?> RunAsync(string path, JsonObject body, CancellationToken ct);
}
