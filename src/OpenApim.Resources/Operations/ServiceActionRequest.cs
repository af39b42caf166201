using System.Text.Json.Nodes;
using OpenApim.Resources.Arm;

namespace OpenApim.Resources.Operations;

/// <summary>A service action as requested: the target service, the JSON body and the api-version.</summary>
public sealed record ServiceActionRequest(ServiceRef Service, JsonObject Body, string ApiVersion, IReadOnlyDictionary<string, string> Query)
{
    /// <summary>The backup schedule that started it (never from an HTTP request): its backups carry the schedule's name for retention.</summary>
    public string? Schedule { get; init; }
}
