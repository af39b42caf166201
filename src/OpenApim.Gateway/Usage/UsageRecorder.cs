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

    private ConcurrentDictionary<Dimensions, Aggregate> _pending = new();

    public void Record(string serviceKey, string api, string operation, string? product, string? subscription, string? user, int status, bool blocked, long bytes, double apiMs, double serviceMs)
    {
        var minute = time.GetUtcNow().ToUnixTimeSeconds() / 60;
        var aggregate = _pending.GetOrAdd(new Dimensions(serviceKey, minute, api, operation, product ?? "", subscription ?? "", user ?? ""), _ => new Aggregate());
        lock (aggregate)
        {
            aggregate.Total++;
            if (blocked)
            {
                aggregate.Blocked++;
            }
            else if (status is >= 200 and < 400)
            {
                aggregate.Success++;
            }
            else if (status >= 500)
            {
                aggregate.Failed++;
            }
            else
            {
                aggregate.Other++;
            }

            aggregate.Bandwidth += bytes;
            aggregate.ApiTime.Add(apiMs);
            aggregate.ServiceTime.Add(serviceMs);
        }
    }

    /// <summary>Writes what was recorded so far (tests call this to read reports at once).</summary>
    public async Task FlushAsync(CancellationToken ct)
    {
        var batch = Interlocked.Exchange(ref _pending, new ConcurrentDictionary<Dimensions, Aggregate>());
        if (batch.IsEmpty)
        {
            return;
        }

        var records = batch.Select(kv =>
        {
            var (d, a) = (kv.Key, kv.Value);
            lock (a)
            {
                return new UsageRecord(d.Service, d.Minute, d.Api, d.Operation, d.Product, d.Subscription, d.User, a.Total, a.Success, a.Blocked, a.Failed, a.Other, a.Bandwidth,
                    a.ApiTime.Sum, a.ApiTime.Min, a.ApiTime.Max, a.ServiceTime.Sum, a.ServiceTime.Min, a.ServiceTime.Max);
            }
        }).ToList();
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

    private readonly record struct Dimensions(string Service, long Minute, string Api, string Operation, string Product, string Subscription, string User);

    private sealed class Aggregate
    {
        public long Total { get; set; }

        public long Success { get; set; }

        public long Blocked { get; set; }

        public long Failed { get; set; }

        public long Other { get; set; }

        public long Bandwidth { get; set; }

        public Timing ApiTime { get; } = new();

        public Timing ServiceTime { get; } = new();
    }

    private sealed class Timing
    {
        public double Sum { get; private set; }

        public double Min { get; private set; } = double.MaxValue;

        public double Max { get; private set; }

        public void Add(double ms)
        {
            Sum += ms;
            Min = Math.Min(Min, ms);
            Max = Math.Max(Max, ms);
        }
    }
}
