using OpenApim.Backup.Catalog;

namespace OpenApim.OperatorConsole.Arm;

/// <summary>
/// Which archives of a container a user is shown: those of a service the user can read through ARM, and those of a
/// service that no longer exists here (the disaster a backup is for) when the user may restore into some service.
/// Archives of services the user cannot see stay hidden, even where the storage key would list them.
/// </summary>
internal static class ArchiveAccess
{
    public static async Task<IReadOnlyList<CatalogEntry>> VisibleAsync(ArmConnection arm, IReadOnlyList<CatalogEntry> archives, IReadOnlyList<ServiceAddress> readable, bool canRestore, CancellationToken ct)
    {
        // The services the user just listed need no second look.
        var listed = readable.Select(s => s.Id).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var sources = archives.Select(a => a.SourceId).OfType<string>().Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        var verdicts = new Dictionary<string, bool>(StringComparer.OrdinalIgnoreCase);
        foreach (var source in sources)
        {
            verdicts[source] = (ServiceAddress.TryParseId(source, out var address) && listed.Contains(address.Id)) || await MayReadAsync(arm, source, canRestore, ct);
        }

        // An archive whose manifest cannot be read names no source: it is shown to those who may restore (it is theirs to judge).
        return [.. archives.Where(a => a.SourceId is { } source ? verdicts[source] : canRestore)];
    }

    /// <summary>The services the user may restore into, in the order given (four permission reads at a time).</summary>
    public static async Task<List<ServiceAddress>> RestoreTargetsAsync(ArmConnection arm, IReadOnlyList<ServiceAddress> services, CancellationToken ct)
    {
        var allowed = new bool[services.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, services.Count), new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = ct },
            async (i, token) => allowed[i] = (await Permissions.AtAsync(arm, services[i].Id, token)).Allows(Permissions.Restore));
        return [.. services.Where((_, i) => allowed[i])];
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
