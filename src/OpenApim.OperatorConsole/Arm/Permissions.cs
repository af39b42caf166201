using System.Text.RegularExpressions;

namespace OpenApim.OperatorConsole.Arm;

/// <summary>
/// What the signed-in user may do at a scope, as ARM's <c>{scope}/providers/Microsoft.Authorization/permissions</c>
/// answers it. Used only to grey out buttons the user cannot use; the management API decides every call regardless.
/// </summary>
public sealed class Permissions
{
    private readonly List<(Regex[] Actions, Regex[] NotActions)> _grants;

    private Permissions(List<(Regex[], Regex[])> grants) => _grants = grants;

    public const string Backup = "Microsoft.ApiManagement/service/backup/action";

    public const string Restore = "Microsoft.ApiManagement/service/restore/action";

    public const string WriteService = "Microsoft.ApiManagement/service/write";

    public static Permissions None { get; } = new([]);

    public static async Task<Permissions> AtAsync(ArmConnection arm, string scope, CancellationToken ct)
    {
        var reply = await arm.GetAsync($"{scope}/providers/Microsoft.Authorization/permissions", ct);
        if (!reply.Ok)
        {
            return None;
        }

        var grants = new List<(Regex[], Regex[])>();
        foreach (var grant in reply.Body?["value"]?.AsArray() ?? [])
        {
            grants.Add((Patterns(grant?["actions"]), Patterns(grant?["notActions"])));
        }

        return new Permissions(grants);
    }

    public bool Allows(string action) => _grants.Any(g => g.Actions.Any(p => p.IsMatch(action)) && !g.NotActions.Any(p => p.IsMatch(action)));

    private static Regex[] Patterns(System.Text.Json.Nodes.JsonNode? list) =>
        [.. (list?.AsArray() ?? []).Select(a => new Regex("^" + Regex.Escape(a!.GetValue<string>()).Replace("\\*", ".*", StringComparison.Ordinal) + "$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1)))];
}
