using System.Runtime.ExceptionServices;
using System.Text.Json.Nodes;
using OpenApim.Backup.Archive;
using OpenApim.Resources.Arm;
using OpenApim.Resources.Kinds;
using OpenApim.Resources.Model;

namespace OpenApim.Backup.Validation;

/// <summary>What <see cref="ArchiveCheck.Run"/> found: the entity rows read and every problem (none: the content may be restored).</summary>
internal sealed record ArchiveCheckResult(long Rows, IReadOnlyList<ArmErrorDetail> Problems);

/// <summary>
/// Reads every entity part of an archive, each against its checksum, and checks the rows of the kinds asked for by the
/// management API's rules (<see cref="ArchiveValidator"/>). The parts are shared out, largest first, among one reader of
/// the file per core, each part with a validator of its own; the validators are then combined in manifest order, so
/// problems (and the failure reported when several parts are corrupted) come out the same whichever thread found them.
/// A restore passes <c>checkedRow</c> to write each checked row as it goes (inside its transaction, committed only once
/// the whole check has passed), so the archive is read once.
/// </summary>
internal static class ArchiveCheck
{
    private const int MaxReaders = 4;
    private const int ProgressRows = 20_000;

    public static ArchiveCheckResult Run(
        ArchiveReader archive, JsonObject archivedService, Func<ResourceKind, bool> validates, Action<long> progress, CancellationToken ct,
        Action<ResourceKind, ArchiveRow>? checkedRow = null)
    {
        var parts = archive.EntityParts.ToList();
        var order = Enumerable.Range(0, parts.Count).OrderByDescending(i => parts[i].Bytes).ToArray();
        var validators = new ArchiveValidator?[parts.Count];
        var failures = new ExceptionDispatchInfo?[parts.Count];
        var readers = Readers(archive, Math.Min(Math.Min(Environment.ProcessorCount, MaxReaders), parts.Count));
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var gate = new Lock();
        long rows = 0;
        var next = -1;

        void Count(long n)
        {
            var total = Interlocked.Add(ref rows, n);
            lock (gate)
            {
                progress(total);
            }
        }

        void Work(ArchiveReader reader)
        {
            int taken;
            while (!stop.IsCancellationRequested && (taken = Interlocked.Increment(ref next)) < order.Length)
            {
                var index = order[taken];
                try
                {
                    validators[index] = Part(reader, parts[index], validates, checkedRow, Count, stop.Token);
                }
                catch (Exception e)
                {
                    failures[index] = ExceptionDispatchInfo.Capture(e);
                    stop.Cancel();
                }
            }
        }

        try
        {
            Parallel.For(0, readers.Count, new ParallelOptions { MaxDegreeOfParallelism = readers.Count }, i => Work(readers[i]));
        }
        finally
        {
            foreach (var reader in readers.Skip(1))
            {
                reader.Dispose();
            }
        }

        ct.ThrowIfCancellationRequested();
        foreach (var failure in failures)
        {
            if (failure is not null && failure.SourceException is not OperationCanceledException)
            {
                failure.Throw();
            }
        }

        var combined = new ArchiveValidator();
        combined.Service(archivedService);
        foreach (var validator in validators)
        {
            combined.Absorb(validator!);
        }

        return new ArchiveCheckResult(rows, combined.Finish());
    }

    private static ArchiveValidator Part(
        ArchiveReader reader, ManifestPart part, Func<ResourceKind, bool> validates, Action<ResourceKind, ArchiveRow>? checkedRow, Action<long> count, CancellationToken ct)
    {
        var kind = KindCatalog.Find(part.Kind);
        var validated = kind is not null && validates(kind);
        var validator = new ArchiveValidator();
        long rows = 0;
        foreach (var row in reader.ReadPart(part))
        {
            if (validated)
            {
                validator.Row(kind!, row);
                checkedRow?.Invoke(kind!, row);
            }

            if (++rows % ProgressRows == 0)
            {
                ct.ThrowIfCancellationRequested();
                count(ProgressRows);
            }
        }

        count(rows % ProgressRows);
        return validator;
    }

    /// <summary>The archive itself and up to <paramref name="count"/> - 1 more readers of its file (none for an archive read from a stream).</summary>
    private static List<ArchiveReader> Readers(ArchiveReader archive, int count)
    {
        var readers = new List<ArchiveReader> { archive };
        while (readers.Count < count && archive.Reopen() is { } another)
        {
            readers.Add(another);
        }

        return readers;
    }
}
