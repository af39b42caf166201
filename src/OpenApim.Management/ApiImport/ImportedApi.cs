using System.Text.Json.Nodes;

namespace OpenApim.Management.ApiImport;

/// <summary>What an import makes of a specification: the API's properties, its operations and its one schema entity.</summary>
internal sealed record ImportedApi(JsonObject Properties, IReadOnlyList<ImportedChild> Operations, ImportedChild? Schema);

/// <summary>A child entity of the imported API, by name, with its <c>properties</c>.</summary>
internal sealed record ImportedChild(string Name, JsonObject Properties);
