using System.Text.Json.Nodes;

namespace OpenApim.Management.Tenancy;

/// <summary>A resource group as ARM shows it. <see cref="Stored"/> is false for a group that only exists because services are in it.</summary>
internal sealed record ResourceGroup(string SubscriptionId, string Name, string Location, JsonObject? Tags, bool Stored)
{
    public const string Type = "Microsoft.Resources/resourceGroups";

    public string Id => $"/subscriptions/{SubscriptionId}/resourceGroups/{Name}";

    /// <summary>The directory key: the id in lower case (ARM ids are case-insensitive).</summary>
    public static string Key(string subscriptionId, string name) => $"/subscriptions/{subscriptionId}/resourcegroups/{name}".ToLowerInvariant();

    public JsonObject ToJson()
    {
        var json = new JsonObject
        {
            ["id"] = Id,
            ["name"] = Name,
            ["type"] = Type,
            ["location"] = Location,
            ["properties"] = new JsonObject { ["provisioningState"] = "Succeeded" },
        };
        if (Tags is not null)
        {
            json["tags"] = Tags.DeepClone();
        }

        return json;
    }
}
