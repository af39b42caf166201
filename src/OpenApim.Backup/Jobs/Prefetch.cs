using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace OpenApim.Backup.Jobs;

/// <summary>Runs a synchronous sequence on a worker thread, a bounded number of items ahead of its consumer.</summary>
internal static class Prefetch
{
    public static async IAsyncEnumerable<T> Run<T>(IEnumerable<T> source, int capacity, [EnumeratorCancellation] CancellationToken ct)
    {
        var channel = Channel.CreateBounded<T>(new BoundedChannelOptions(capacity) { SingleReader = true, SingleWriter = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var producer = Task.Run(async () =>
        {
            try
            {
                foreach (var item in source)
                {
                    await channel.Writer.WriteAsync(item, stop.Token);
                }

                channel.Writer.Complete();
            }
            catch (Exception e)
            {
                channel.Writer.TryComplete(e);
            }
        }, CancellationToken.None);

        try
        {
            await foreach (var item in channel.Reader.ReadAllAsync(ct))
            {
                yield return item;
            }
        }
        finally
        {
            // The consumer stopped early (or failed): stop the producer and let it finish before the source is disposed.
            await stop.CancelAsync();
            await producer;
        }
    }
}
