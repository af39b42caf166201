using System.Text.Json.Nodes;
using OpenApim.Resources.Arm;

namespace OpenApim.Resources.Model;

/// <summary>What a write hook sees. Hooks add to <see cref="Problems"/> rather than throwing, so all problems are reported together.</summary>
internal sealed class EntityWriteContext
{
    public required EntityAddress Address { get; init; }

    public required JsonObject Properties { get; init; }

    /// <summary>The stored properties before this write, or null on create.</summary>
    public JsonObject? Existing { get; init; }

    public required IResourceWriter Store { get; init; }

    public required TimeProvider Time { get; init; }

    public required CancellationToken Cancellation { get; init; }

    public List<ArmErrorDetail> Problems { get; } = [];

    public bool IsCreate => Existing is null;

    public void Problem(string target, string message) => Problems.Add(new("ValidationError", message, target));
}
