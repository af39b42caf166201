using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace OpenApim.Identity.Access;

/// <summary>
/// A role: the actions it allows, minus the ones it excludes. Patterns are ARM's: case-insensitive,
/// <c>*</c> matching any run of characters (slashes included).
/// </summary>
internal sealed class RoleDefinition
{
    private readonly Regex[] _actions;
    private readonly Regex[] _notActions;

    public RoleDefinition(string id, string roleName, string description, IReadOnlyList<string> actions, IReadOnlyList<string> notActions)
    {
        Id = id;
        RoleName = roleName;
        Description = description;
        Actions = actions;
        NotActions = notActions;
        _actions = [.. actions.Select(Pattern)];
        _notActions = [.. notActions.Select(Pattern)];
    }

    /// <summary>The role's GUID (Azure's, for the built-in roles).</summary>
    public string Id { get; }

    public string RoleName { get; }

    public string Description { get; }

    public IReadOnlyList<string> Actions { get; }

    public IReadOnlyList<string> NotActions { get; }

    public bool Allows(string action) => _actions.Any(p => p.IsMatch(action)) && !_notActions.Any(p => p.IsMatch(action));

    /// <summary>The ARM resource id of this definition at <paramref name="scope"/> ("/" for the tenant).</summary>
    public string ResourceId(string scope) => $"{(scope == "/" ? "" : scope)}/providers/Microsoft.Authorization/roleDefinitions/{Id}";

    public JsonObject ToResource(string scope) => new()
    {
        ["id"] = ResourceId(scope),
        ["type"] = "Microsoft.Authorization/roleDefinitions",
        ["name"] = Id,
        ["properties"] = new JsonObject
        {
            ["roleName"] = RoleName,
            ["type"] = "BuiltInRole",
            ["description"] = Description,
            ["assignableScopes"] = new JsonArray("/"),
            ["permissions"] = new JsonArray(new JsonObject
            {
                ["actions"] = new JsonArray([.. Actions.Select(a => (JsonNode)a)]),
                ["notActions"] = new JsonArray([.. NotActions.Select(a => (JsonNode)a)]),
                ["dataActions"] = new JsonArray(),
                ["notDataActions"] = new JsonArray(),
            }),
        },
    };

    private static Regex Pattern(string pattern) =>
        new("^" + Regex.Escape(pattern).Replace("\\*", ".*", StringComparison.Ordinal) + "$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Compiled);
}
