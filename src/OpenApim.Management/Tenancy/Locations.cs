using System.Text.Json.Nodes;
using OpenApim.Resources.Arm;

namespace OpenApim.Management.Tenancy;

/// <summary>The Azure regions OpenApim accepts as a location (it stores whatever it is given; these are what it lists).</summary>
internal static class Locations
{
    public static readonly IReadOnlyList<string> DisplayNames =
    [
        "West Europe", "North Europe", "East US", "East US 2", "West US", "West US 2", "Central US", "South Central US",
        "UK South", "France Central", "Germany West Central", "Sweden Central", "Japan East", "Australia East", "Southeast Asia",
    ];

    public static JsonArray ForProvider() => new([.. DisplayNames.Select(l => (JsonNode)l)]);

    /// <summary>A subscription's locations as <c>GET /subscriptions/{id}/locations</c> lists them.</summary>
    public static JsonObject List(string subscriptionId) => new()
    {
        ["value"] = new JsonArray([.. DisplayNames.Select(l => (JsonNode)new JsonObject
        {
            ["id"] = $"/subscriptions/{subscriptionId}/locations/{ArmLocation.Name(l)}",
            ["name"] = ArmLocation.Name(l),
            ["displayName"] = l,
            ["regionalDisplayName"] = l,
            ["metadata"] = new JsonObject { ["regionType"] = "Physical", ["regionCategory"] = "Recommended" },
        })]),
    };
}
