using System.Text.Json.Nodes;

namespace OpenApim.Resources.Model;

/// <summary>A POST action on an entity (e.g. <c>listSecrets</c>). Running it answers the JSON body to return, or null for 204.</summary>
public sealed class KindAction
{
    internal KindAction(string name, Func<EntityActionContext, Task<JsonNode?>> run)
    {
        Name = name;
        Run = run;
    }

    public string Name { get; }

    internal Func<EntityActionContext, Task<JsonNode?>> Run { get; }
}
