using System.Text.Json.Nodes;

namespace OpenApim.Resources.Model;

/// <summary>Behaviour a kind adds to generic CRUD: defaults, generated values, reference checks, rendering.</summary>
internal sealed record KindHooks
{
    public static readonly KindHooks None = new();

    /// <summary>Runs inside the write transaction after schema validation, with the merged properties.</summary>
    public Func<EntityWriteContext, Task>? BeforeWrite { get; init; }

    /// <summary>Runs inside the delete transaction before the entity and its children are removed.</summary>
    public Func<EntityDeleteContext, Task>? BeforeDelete { get; init; }

    /// <summary>Adjusts a response copy of the properties (e.g. hides a value that is secret only sometimes).</summary>
    public Action<JsonObject>? Render { get; init; }
}
