namespace OpenApim.Resources.Store.Journal;

/// <summary>What a journal record says happened to its resource.</summary>
public static class ChangeOperation
{
    /// <summary>Created or replaced; the record holds the resulting row without its secrets.</summary>
    public const string Upsert = "upsert";

    /// <summary>Deleted, with everything below it.</summary>
    public const string Delete = "delete";

    /// <summary>The service's content was replaced by a restore: one record for the whole change set.</summary>
    public const string Restore = "restore";

    public const string SoftDelete = "softDelete";

    public const string Undelete = "undelete";

    public const string Purge = "purge";
}
