using System.Text.Json.Nodes;
using OpenApim.Resources.Kinds.Schema;
using OpenApim.Resources.Model;

namespace OpenApim.Resources.Entities;

/// <summary>How an entity reads: id, type, name and properties without secrets, references as full ids of its service.</summary>
public static class EntityRendering
{
    /// <summary>
    /// The client view of <paramref name="entity"/> at <paramref name="address"/>. A link entity (product → api) shows its
    /// <paramref name="linkTarget"/>'s properties under the link's own id.
    /// </summary>
    public static JsonObject Render(EntityAddress address, StoredResource entity, StoredResource? linkTarget = null)
    {
        var source = linkTarget ?? entity;
        var sourceKind = linkTarget is null ? address.Kind : address.Kind.LinkTarget!;
        var properties = (JsonObject)source.Properties.DeepClone();
        SchemaValidator.RemoveSecrets(properties, sourceKind.Properties);
        sourceKind.Hooks.Render?.Invoke(properties);
        References.Expand(address.Service, properties, sourceKind.Properties);
        return new JsonObject
        {
            ["id"] = entity.Id,
            ["type"] = address.Kind.Type,
            ["name"] = entity.Name,
            ["properties"] = properties,
        };
    }
}
