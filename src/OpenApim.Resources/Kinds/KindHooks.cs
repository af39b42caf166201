using System.Text.Json.Nodes;
using OpenApim.Resources.Arm;
using OpenApim.Resources.Store;

namespace OpenApim.Resources.Kinds;

/// <summary>Behaviour a kind adds to generic CRUD: defaults, generated values, reference checks, rendering.</summary>
public sealed record KindHooks
{
    public static readonly KindHooks None = new();

    /// <summary>Runs inside the write transaction after schema validation, with the merged properties.</summary>
    public Func<EntityWriteContext, Task>? BeforeWrite { get; init; }

    /// <summary>Runs inside the delete transaction before the entity and its children are removed.</summary>
    public Func<EntityDeleteContext, Task>? BeforeDelete { get; init; }

    /// <summary>Adjusts a response copy of the properties (e.g. hides a value that is secret only sometimes).</summary>
    public Action<JsonObject>? Render { get; init; }
}

/// <summary>What a write hook sees. Hooks add to <see cref="Problems"/> rather than throwing, so all problems are reported together.</summary>
public sealed class EntityWriteContext
{
    public required EntityAddress Address { get; init; }

    public required JsonObject Properties { get; init; }

    /// <summary>The stored properties before this write, or null on create.</summary>
    public JsonObject? Existing { get; init; }

    public required IResourceWriter Store { get; init; }

    public required TimeProvider Time { get; init; }

    public List<ArmErrorDetail> Problems { get; } = [];

    public bool IsCreate => Existing is null;

    public void Problem(string target, string message) => Problems.Add(new("ValidationError", message, target));
}

/// <summary>What a delete hook sees: the entity and the request's query (e.g. <c>deleteSubscriptions</c>).</summary>
public sealed class EntityDeleteContext
{
    public required EntityAddress Address { get; init; }

    public required StoredResource Entity { get; init; }

    public required IResourceWriter Store { get; init; }

    public required Func<string, string?> Query { get; init; }
}

/// <summary>What a POST action sees.</summary>
public sealed class EntityActionContext
{
    public required EntityAddress Address { get; init; }

    public required StoredResource Entity { get; init; }

    public required IResourceWriter Store { get; init; }

    public JsonNode? Body { get; init; }

    public required TimeProvider Time { get; init; }
}
