using System.Text.Json.Nodes;

namespace OpenApim.Resources.Model;

/// <summary>A POST action on an entity. Returns the JSON body to answer with, or null for 204.</summary>
public sealed record KindAction(string Name, Func<EntityActionContext, Task<JsonNode?>> Run);
