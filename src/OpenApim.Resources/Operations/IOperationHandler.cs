using System.Text.Json.Nodes;

namespace OpenApim.Resources.Operations;

/// <summary>Runs the operations of one kind.</summary>
public interface IOperationHandler
{
    string Kind { get; }

    /// <summary>
    /// Does the work and returns the result to store. Everything it needs is in the operation's record, so the node that
    /// accepted it, another node or a restart runs it the same way (a secret it needs is sealed in the record).
    /// </summary>
    Task<JsonObject?> RunAsync(OperationContext context);
}
