using System.Collections.Concurrent;
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
/// the file per core; a reader cuts its part's rows into batches of <see cref="BatchRows"/>, and one checker per core
/// checks the batches, each with a validator of its own, so a service whose rows are mostly one kind (subscriptions) is
/// still checked on every core. The batches' validators are then combined in manifest and batch order, so problems (and the
/// failure reported when several parts are corrupted) come out the same whichever thread found them. A restore passes
/// <c>checkedRows</c> to write each checked batch as it goes (inside its transaction, committed only once the whole check
/// has passed), so the archive is read once.
/// </summary>
internal static class ArchiveCheck
{
    private const int MaxReaders = 4;
    private const int ProgressRows = 20_000;

    /// <summary>Rows checked as one unit, and handed on at once: one hand-over per batch, not per row, keeps threads off each other's locks.</summary>
    public const int BatchRows = 512;

    public static ArchiveCheckResult Run(
        ArchiveReader archive, JsonObject archivedService, Func<ResourceKind, bool> validates, Action<long> progress, CancellationToken ct,
        Action<ResourceKind, List<ArchiveRow>>? checkedRows = null)
    {
        var parts = archive.EntityParts.ToList();
        var order = Enumerable.Range(0, parts.Count).OrderByDescending(i => parts[i].Bytes).ToArray();
        var batchesOfParts = new List<Batch>?[parts.Count];
        var failures = new ExceptionDispatchInfo?[parts.Count];
        var cores = Math.Max(1, Math.Min(Environment.ProcessorCount, MaxReaders));
        var readers = Readers(archive, Math.Min(cores, parts.Count));
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        using var batches = new BlockingCollection<Batch>(boundedCapacity: cores * 4);
        var gate = new Lock();
        long rows = 0;
        var next = -1;
        ExceptionDispatchInfo? checkerFailure = null;

        void Count(long n)
        {
            var total = Interlocked.Add(ref rows, n);
            lock (gate)
            {
                progress(total);
            }
        }

        void Read(ArchiveReader reader)
        {
            int taken;
            while (!stop.IsCancellationRequested && (taken = Interlocked.Increment(ref next)) < order.Length)
            {
                var index = order[taken];
                try
                {
                    batchesOfParts[index] = Part(reader, parts[index], validates, batches, Count, stop.Token);
                }
                catch (Exception e)
                {
                    failures[index] = ExceptionDispatchInfo.Capture(e);
                    stop.Cancel();
                }
            }
        }

        void Check()
        {
            try
            {
                foreach (var batch in batches.GetConsumingEnumerable())
                {
                    if (stop.IsCancellationRequested)
                    {
                        continue;
                    }

                    var validator = new ArchiveValidator();
                    foreach (var row in batch.Rows)
                    {
                        validator.Row(batch.Kind, row);
                    }

                    batch.Validator = validator;
                    checkedRows?.Invoke(batch.Kind, batch.Rows);
                }
            }
            catch (Exception e)
            {
                Interlocked.CompareExchange(ref checkerFailure, ExceptionDispatchInfo.Capture(e), null);
                stop.Cancel();
                foreach (var _ in batches.GetConsumingEnumerable())
                {
                    // Drains, so a reader waiting to add is never stuck.
                }
            }
        }

        var checkers = Enumerable.Range(0, cores)
            .Select(_ => Task.Factory.StartNew(Check, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default))
            .ToArray();
        try
        {
            // Readers block on the bounded queue for as long as the checkers are behind: dedicated threads, like the checkers,
            // not thread-pool threads (which serve requests meanwhile); the calling thread reads too.
            var others = readers.Skip(1)
                .Select(reader => Task.Factory.StartNew(() => Read(reader), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default))
                .ToArray();
            Read(readers[0]);
            Task.WaitAll(others);
        }
        finally
        {
            batches.CompleteAdding();
            Task.WaitAll(checkers);
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

        checkerFailure?.Throw();
        var combined = new ArchiveValidator();
        combined.Service(archivedService);
        foreach (var part in batchesOfParts)
        {
            foreach (var batch in part!)
            {
                combined.Absorb(batch.Validator!);
            }
        }

        return new ArchiveCheckResult(rows, combined.Finish());
    }

    /// <summary>
    /// Reads one part (its checksum is checked at its end) and queues its rows of a checked kind in batches; returns the
    /// part's batches in the part's order.
    /// </summary>
    private static List<Batch> Part(
        ArchiveReader reader, ManifestPart part, Func<ResourceKind, bool> validates, BlockingCollection<Batch> batches, Action<long> count, CancellationToken ct)
    {
        var kind = KindCatalog.Find(part.Kind);
        var validated = kind is not null && validates(kind);
        var queued = new List<Batch>();
        var batch = new List<ArchiveRow>(BatchRows);
        long rows = 0;

        void Queue()
        {
            var next = new Batch(kind!, batch);
            queued.Add(next);
            batches.Add(next, ct);
            batch = new List<ArchiveRow>(BatchRows);
        }

        foreach (var row in reader.ReadPart(part))
        {
            if (validated)
            {
                batch.Add(row);
                if (batch.Count == BatchRows)
                {
                    Queue();
                }
            }

            if (++rows % ProgressRows == 0)
            {
                ct.ThrowIfCancellationRequested();
                count(ProgressRows);
            }
        }

        if (batch.Count > 0)
        {
            Queue();
        }

        count(rows % ProgressRows);
        return queued;
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

    /// <summary>Rows of one part to check, and the validator that checked them (set by the checker, read once every checker has ended).</summary>
    private sealed class Batch(ResourceKind kind, List<ArchiveRow> rows)
    {
        public ResourceKind Kind => kind;

        public List<ArchiveRow> Rows => rows;

        public ArchiveValidator? Validator { get; set; }
    }
}
