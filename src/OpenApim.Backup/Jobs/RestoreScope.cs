using OpenApim.Resources.Kinds;
using OpenApim.Resources.Model;

namespace OpenApim.Backup.Jobs;

/// <summary>What a restore replaces.</summary>
internal enum RestoreScope
{
    /// <summary>Everything in the backup: configuration and runtime data (disaster recovery; Azure's behaviour).</summary>
    All,

    /// <summary>Configuration only: the target keeps its users, subscriptions and their keys (promotion between environments).</summary>
    Configuration,
}

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
