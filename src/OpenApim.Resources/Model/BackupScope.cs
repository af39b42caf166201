namespace OpenApim.Resources.Model;

/// <summary>What a backup does with a kind's entities.</summary>
public enum BackupScope
{
    /// <summary>Configuration: APIs, products, policies, named values, ... always restored.</summary>
    Configuration,

    /// <summary>Runtime data (users, subscriptions and their keys): restored unless the restore is configuration-only.</summary>
    Runtime,

    /// <summary>Never in a backup and left alone by restore (developer-portal content, Azure Monitor settings).</summary>
    Excluded,
}
