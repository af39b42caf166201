using System.Text.Json.Nodes;
using OpenApim.Resources.Arm;

namespace OpenApim.Resources.Model;

/// <summary>A resource to insert or replace: its address and its document. Everything the store keeps of it derives from these two.</summary>
public sealed record ResourceRow(EntityAddress Address, JsonObject Body)
{
    /// <summary>An entity's row: <c>{"properties":{...}}</c>.</summary>
    public static ResourceRow Entity(EntityAddress address, JsonObject properties) =>
        new(address, new JsonObject { ["properties"] = properties });

    /// <summary>The service's own row: the whole resource document.</summary>
    public static ResourceRow Service(ServiceRef service, JsonObject document) => new(EntityAddress.ForService(service), document);

    /// <summary>The display name the store indexes (<c>properties.displayName</c> when it is a string).</summary>
    public string? DisplayName => Body["properties"]?["displayName"].Text();
}
