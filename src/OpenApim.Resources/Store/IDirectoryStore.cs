namespace OpenApim.Resources.Store;

/// <summary>The directory table: identity objects keyed by kind and id.</summary>
public interface IDirectoryStore
{
    Task<DirectoryEntry?> GetAsync(string kind, string id, CancellationToken ct);

    Task<IReadOnlyList<DirectoryEntry>> ListAsync(string kind, CancellationToken ct);

    /// <summary>Entries of <paramref name="kind"/> whose principal is one of <paramref name="principals"/>.</summary>
    Task<IReadOnlyList<DirectoryEntry>> ListByPrincipalsAsync(string kind, IReadOnlyCollection<string> principals, CancellationToken ct);

    /// <summary>Inserts the entry; false when one with the same kind and id exists.</summary>
    Task<bool> CreateAsync(DirectoryEntry entry, CancellationToken ct);

    /// <summary>
    /// Replaces an entry with what <paramref name="change"/> makes of it, with the row locked so
    /// concurrent changes do not lose each other's work. Null when no such entry exists.
    /// </summary>
    Task<DirectoryEntry?> UpdateAsync(string kind, string id, Func<DirectoryEntry, DirectoryEntry> change, CancellationToken ct);

    /// <summary>Inserts or replaces the entry.</summary>
    Task PutAsync(DirectoryEntry entry, CancellationToken ct);

    Task<bool> DeleteAsync(string kind, string id, CancellationToken ct);

    /// <summary>Deletes every entry of <paramref name="kind"/> for <paramref name="principal"/>; returns how many.</summary>
    Task<int> DeleteByPrincipalAsync(string kind, string principal, CancellationToken ct);
}
