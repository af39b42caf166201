using System.Text.Json.Nodes;
using OpenApim.Resources.Arm;

namespace OpenApim.Resources.Operations;

/// <summary>A service action as requested: the target service, the JSON body and the api-version.</summary>
public sealed record ServiceActionRequest(ServiceRef Service, JsonObject Body, string ApiVersion, IReadOnlyDictionary<string, string> Query);
