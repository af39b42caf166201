using System.Text.Json.Nodes;

namespace OpenApim.Resources.Model;

/// <summary>An entity created with every service (system groups, the default email templates, ...).</summary>
internal sealed record SeedEntity(string Name, JsonObject Properties);
