using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using OpenApim.Backup.Archive;
using OpenApim.Backup.Validation;
using OpenApim.Resources.Arm;
using OpenApim.Resources.Model;
using OpenApim.Resources.Store;

namespace OpenApim.Backup.Jobs;

/// <summary>
/// The rows a restore writes, read and checked in one pass: <see cref="ArchiveCheck"/> reads every part (against its
/// checksum) on its readers and hands the checked rows of a replaced kind to the database as it goes, a batch at a time. The enumeration
/// throws, before its end, if the check fails (<see cref="ArmErrors.BackupInvalid"/>, or the archive's own failure), so
/// the store's transaction is never committed with content that did not pass. When the writer fails first (a crafted
/// archive's duplicate can break a unique index before the check sees it), the check still runs to its end without
/// writing, and <see cref="Problems"/> tells the caller whether the backup was at fault. A <paramref name="stage"/> (the
/// gateway's) is given each batch on the checker's thread as it is handed to the database, so it builds its copy of the
/// service alongside the single writer instead of after the commit.
/// </summary>
internal sealed class VerifiedRows(ArchiveReader archive, JsonObject archivedService, RestoreScope scope, Action<long> progress, IContentStage? stage)
{
    /// <summary>Batches waiting for the database (of <see cref="ArchiveCheck.BatchRows"/> rows each): enough to keep it busy, bounded in memory.</summary>
    private const int Capacity = 32;

    private volatile bool _discard;

    /// <summary>What the check found, once <see cref="ReadAsync"/> has ended (null if it did not run to its end).</summary>
    public IReadOnlyList<ArmErrorDetail>? Problems { get; private set; }

    public async IAsyncEnumerable<RawResource> ReadAsync([EnumeratorCancellation] CancellationToken ct)
    {
        var channel = Channel.CreateBounded<RawResource[]>(new BoundedChannelOptions(Capacity) { SingleReader = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);

        void Write(ResourceKind kind, List<ArchiveRow> rows)
        {
            if (_discard)
            {
                return;
            }

            var item = new RawResource[rows.Count];
            for (var i = 0; i < item.Length; i++)
            {
                item[i] = RestoreJob.ToRow(kind, rows[i]);
            }

            stage?.Add(item);

            while (!channel.Writer.TryWrite(item))
            {
                // A reader thread waits for the database to take rows; the writer's end stops the wait (_discard then holds).
                if (!channel.Writer.WaitToWriteAsync(stop.Token).AsTask().GetAwaiter().GetResult())
                {
                    return;
                }
            }
        }

        var producer = Task.Factory.StartNew(() =>
        {
            try
            {
                var check = ArchiveCheck.Run(archive, archivedService, kind => RestoreScopes.Replaces(scope, kind), progress, stop.Token, Write);
                Problems = check.Problems;
                channel.Writer.TryComplete(check.Problems.Count > 0 ? ArmErrors.BackupInvalid(check.Problems) : null);
            }
            catch (Exception e)
            {
                channel.Writer.TryComplete(e);
            }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

        try
        {
            await foreach (var batch in channel.Reader.ReadAllAsync(ct))
            {
                foreach (var row in batch)
                {
                    yield return row;
                }
            }
        }
        finally
        {
            // The writer stopped (done, or failed): let the check finish without writing, unless the restore is cancelled.
            _discard = true;
            channel.Writer.TryComplete();
            if (ct.IsCancellationRequested)
            {
                await stop.CancelAsync();
            }

            await producer;
        }
    }
}
