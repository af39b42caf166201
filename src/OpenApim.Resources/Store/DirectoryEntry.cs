using System.Text.Json.Nodes;

namespace OpenApim.Resources.Store;

/// <summary>
/// One tenant-wide identity object (an app registration, a role assignment): it belongs to no API
/// Management service, so it is neither backed up nor restored with one.
/// </summary>
/// <param name="Kind">The object's kind, e.g. <c>application</c>.</param>
/// <param name="Id">Its key within the kind (lower-case).</param>
/// <param name="Principal">The principal it concerns, for look-ups by principal (lower-case), or null.</param>
/// <param name="Body">The object itself.</param>
public sealed record DirectoryEntry(string Kind, string Id, string? Principal, JsonObject Body);
