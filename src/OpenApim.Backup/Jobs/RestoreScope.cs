namespace OpenApim.Backup.Jobs;

/// <summary>What a restore replaces.</summary>
internal enum RestoreScope
{
    /// <summary>Everything in the backup: configuration and runtime data (disaster recovery; Azure's behaviour).</summary>
    All,

    /// <summary>Configuration only: the target keeps its users, subscriptions and their keys (promotion between environments).</summary>
    Configuration,
}
