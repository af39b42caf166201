using System.Runtime.ExceptionServices;
using Microsoft.Extensions.Time.Testing;
using OpenApim.Resources.Store.Journal;

namespace OpenApim.Tests.Units;

/// <summary>
/// Journal readers (the gateway's refresh loop, the stream shipper) wait on the signal between polls. An idle poll ends by
/// timing out, which used to throw and catch a TimeoutException every poll interval in every reader: a stack unwind each
/// time and a steady <c>dotnet.exceptions{error.type=TimeoutException}</c> on an idle server's dashboard.
/// </summary>
public sealed class JournalSignalTests
{
    private static readonly AsyncLocal<bool> InThisTest = new();

    [Fact]
    public async Task A_wait_that_times_out_returns_without_throwing()
    {
        var time = new FakeTimeProvider();
        var signal = new JournalSignal();
        var thrown = new List<Exception>();
        void Count(object? sender, FirstChanceExceptionEventArgs e)
        {
            // Only what this test's own async flow throws: other tests run in parallel in this process.
            if (InThisTest.Value)
            {
                lock (thrown)
                {
                    thrown.Add(e.Exception);
                }
            }
        }

        AppDomain.CurrentDomain.FirstChanceException += Count;
        try
        {
            InThisTest.Value = true;
            var wait = signal.WaitAsync(signal.Generation, TimeSpan.FromSeconds(1), time, CancellationToken.None);
            Assert.False(wait.IsCompleted);
            time.Advance(TimeSpan.FromSeconds(1));
            await wait.WaitAsync(TimeSpan.FromSeconds(10));
            Assert.True(wait.IsCompletedSuccessfully);
        }
        finally
        {
            AppDomain.CurrentDomain.FirstChanceException -= Count;
        }

        Assert.Empty(thrown);
    }

    [Fact]
    public async Task A_commit_ends_the_wait_and_cancellation_still_throws()
    {
        var time = new FakeTimeProvider();
        var signal = new JournalSignal();

        var seen = signal.Generation;
        var wait = signal.WaitAsync(seen, TimeSpan.FromMinutes(5), time, CancellationToken.None);
        signal.Notify();
        await wait.WaitAsync(TimeSpan.FromSeconds(10));

        // A commit between the read and the wait is not missed: the wait returns at once.
        Assert.True(signal.WaitAsync(seen, TimeSpan.FromMinutes(5), time, CancellationToken.None).IsCompletedSuccessfully);

        using var stop = new CancellationTokenSource();
        var stopped = signal.WaitAsync(signal.Generation, TimeSpan.FromMinutes(5), time, stop.Token);
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => stopped.WaitAsync(TimeSpan.FromSeconds(10)));
    }
}
