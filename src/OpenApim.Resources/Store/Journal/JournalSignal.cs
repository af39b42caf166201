namespace OpenApim.Resources.Store.Journal;

/// <summary>
/// Wakes journal readers when records were committed: by this process's stores right after a commit, and on PostgreSQL
/// also by other nodes' commits (<c>LISTEN/NOTIFY</c>). A reader takes <see cref="Generation"/> before it reads and waits
/// with it, so a commit between its read and its wait is never missed. Signals are hints: readers still poll.
/// </summary>
public sealed class JournalSignal
{
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _generation;

    public long Generation => Interlocked.Read(ref _generation);

    public void Notify()
    {
        // Generation first: a waiter that picks up the new task after the swap then sees the new generation.
        Interlocked.Increment(ref _generation);
        Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }

    /// <summary>Returns when a commit was signalled after <paramref name="seen"/> was read, or after <paramref name="timeout"/>.</summary>
    public async Task WaitAsync(long seen, TimeSpan timeout, TimeProvider time, CancellationToken ct)
    {
        var next = Volatile.Read(ref _next);
        if (Generation != seen)
        {
            return;
        }

        // A timeout is the usual end of a wait (an idle poll), not an error: it must not throw. A TimeoutException on every
        // poll of every reader costs a stack unwind each time and shows in dotnet.exceptions as if something were failing.
        await next.Task.WaitAsync(timeout, time, ct).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        ct.ThrowIfCancellationRequested();
    }
}
