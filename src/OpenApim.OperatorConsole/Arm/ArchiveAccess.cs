using OpenApim.Backup.Catalog;

namespace OpenApim.OperatorConsole.Arm;

/// <summary>
/// Which archives of a container a user is shown: those of a service the user can read through ARM, and those of a
/// service that no longer exists here (the disaster a backup is for) when the user may restore into some service.
/// Archives of services the user cannot see stay hidden, even where the storage key would list them.
/// </summary>
internal static class ArchiveAccess
{
    public static async Task<IReadOnlyList<CatalogEntry>> VisibleAsync(ArmConnection arm, IReadOnlyList<CatalogEntry> archives, bool canRestore, CancellationToken ct)
    {
        var sources = archives.Select(a => a.SourceId).OfType<string>().Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        var verdicts = new Dictionary<string, bool>(StringComparer.OrdinalIgnoreCase);
        foreach (var source in sources)
        {
            verdicts[source] = await MayReadAsync(arm, source, canRestore, ct);
        }

        // An archive whose manifest cannot be read names no source: it is shown to those who may restore (it is theirs to judge).
        return [.. archives.Where(a => a.SourceId is { } source ? verdicts[source] : canRestore)];
    }

    /// <summary>True when the user may restore into at least one service it can see (four permission reads at a time).</summary>
    public static async Task<bool> CanRestoreAnywhereAsync(ArmConnection arm, IReadOnlyList<ServiceAddress> services, CancellationToken ct)
    {
        var found = 0;
        await Parallel.ForEachAsync(services, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = ct }, async (service, token) =>
        {
            if (Volatile.Read(ref found) == 0 && (await Permissions.AtAsync(arm, service.Id, token)).Allows("Microsoft.ApiManagement/service/restore/action"))
            {
                Interlocked.Exchange(ref found, 1);
            }
        });
        return found == 1;
    }

    /// <summary>True when the archive's source service is readable, or gone and the user may restore somewhere.</summary>
    public static async Task<bool> MayReadAsync(ArmConnection arm, string sourceId, bool canRestore, CancellationToken ct)
    {
        if (!ServiceAddress.TryParseId(sourceId, out var source))
        {
            return canRestore;
        }

        var reply = await arm.GetAsync(source.Id, ct);
        return reply.Ok || (reply.Status == 404 && canRestore);
    }
}
