using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenApim.Resources.Usage;

namespace OpenApim.Gateway.Usage;

/// <summary>
/// Aggregates every gateway call in memory per minute and dimension, and flushes the aggregates to
/// the store every few seconds (and at shutdown), so recording costs a dictionary update per request.
/// </summary>
internal sealed partial class UsageRecorder(IUsageStore store, TimeProvider time, ILogger<UsageRecorder> logger) : BackgroundService
{
    public static readonly TimeSpan FlushEvery = TimeSpan.FromSeconds(2);

    private Batch _pending = new();

    public void Record(string serviceKey, string api, string operation, string? product, string? subscription, string? user, int status, bool blocked, long bytes, double apiMs, double serviceMs)
    {
        var minute = time.GetUtcNow().ToUnixTimeSeconds() / 60;
        var dimensions = new Dimensions(serviceKey, minute, api, operation, product ?? "", subscription ?? "", user ?? "");
        while (true)
        {
            var batch = Volatile.Read(ref _pending);
            Interlocked.Increment(ref batch.Writers);
            try
            {
                // A batch that was swapped out after it was read is being flushed: add to the new one instead.
                if (ReferenceEquals(batch, Volatile.Read(ref _pending)))
                {
                    batch.Aggregates.GetOrAdd(dimensions, static _ => new Aggregate()).Add(status, blocked, bytes, apiMs, serviceMs);
                    return;
                }
            }
            finally
            {
                Interlocked.Decrement(ref batch.Writers);
            }
        }
    }

    /// <summary>Writes what was recorded so far.</summary>
    internal async Task FlushAsync(CancellationToken ct)
    {
        var batch = Interlocked.Exchange(ref _pending, new Batch());

        // Writers that took the old batch before the swap finish their add (a few instructions) before it is read.
        var wait = new SpinWait();
        while (Volatile.Read(ref batch.Writers) != 0)
        {
            wait.SpinOnce();
        }

        if (batch.Aggregates.IsEmpty)
        {
            return;
        }

        var records = batch.Aggregates.Select(kv => kv.Value.ToRecord(kv.Key)).ToList();
        await store.AddAsync(records, ct);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(FlushEvery, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await SafeFlushAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException)
        {
        }

        await SafeFlushAsync(CancellationToken.None);
    }

    private async Task SafeFlushAsync(CancellationToken ct)
    {
        try
        {
            await FlushAsync(ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogFlushFailed(logger, e);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Writing usage failed; these calls are missing from reports")]
    private static partial void LogFlushFailed(ILogger logger, Exception e);

    /// <summary>The aggregates since the last flush, and how many writers are adding to them right now.</summary>
    private sealed class Batch
    {
#pragma warning disable SA1401, CA1051 // Interlocked needs a field.
        public int Writers;
#pragma warning restore SA1401, CA1051

        public ConcurrentDictionary<Dimensions, Aggregate> Aggregates { get; } = new();
    }

    private readonly record struct Dimensions(string Service, long Minute, string Api, string Operation, string Product, string Subscription, string User);

    /// <summary>Counters of one minute and dimension set, updated without locks.</summary>
    private sealed class Aggregate
    {
        private long _total, _success, _blocked, _failed, _other, _bandwidth;
        private long _apiSum, _apiMin = long.MaxValue, _apiMax, _serviceSum, _serviceMin = long.MaxValue, _serviceMax;

        public void Add(int status, bool blocked, long bytes, double apiMs, double serviceMs)
        {
            Interlocked.Increment(ref _total);
            Interlocked.Increment(ref blocked ? ref _blocked : ref status is >= 200 and < 400 ? ref _success : ref status >= 500 ? ref _failed : ref _other);
            Interlocked.Add(ref _bandwidth, bytes);
            Timing(ref _apiSum, ref _apiMin, ref _apiMax, (long)(apiMs * 1000));
            Timing(ref _serviceSum, ref _serviceMin, ref _serviceMax, (long)(serviceMs * 1000));
        }

        public UsageRecord ToRecord(Dimensions d) => new(d.Service, d.Minute, d.Api, d.Operation, d.Product, d.Subscription, d.User,
            _total, _success, _blocked, _failed, _other, _bandwidth,
            _apiSum / 1000.0, _apiMin / 1000.0, _apiMax / 1000.0, _serviceSum / 1000.0, _serviceMin / 1000.0, _serviceMax / 1000.0);

        private static void Timing(ref long sum, ref long min, ref long max, long microseconds)
        {
            Interlocked.Add(ref sum, microseconds);
            long seen;
            while (microseconds < (seen = Volatile.Read(ref min)) && Interlocked.CompareExchange(ref min, microseconds, seen) != seen)
            {
            }

            while (microseconds > (seen = Volatile.Read(ref max)) && Interlocked.CompareExchange(ref max, microseconds, seen) != seen)
            {
            }
        }
    }
}
