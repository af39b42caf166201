using OpenApim.Resources.Kinds;
using OpenApim.Resources.Model;

namespace OpenApim.Backup.Jobs;

internal static class RestoreScopes
{
    /// <summary>The kinds whose rows a restore of <paramref name="scope"/> replaces in the target.</summary>
    public static IReadOnlyCollection<ResourceKind> ReplacedKinds(RestoreScope scope) =>
        [.. KindCatalog.All.Where(k => Replaces(scope, k))];

    public static bool Replaces(RestoreScope scope, ResourceKind kind) => kind.Backup switch
    {
        BackupScope.Configuration => true,
        BackupScope.Runtime => scope == RestoreScope.All,
        _ => false,
    };
}
