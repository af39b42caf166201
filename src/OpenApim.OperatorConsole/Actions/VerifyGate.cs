namespace OpenApim.OperatorConsole.Actions;

/// <summary>
/// Verification from the console downloads and re-checks a whole archive on the server: one at a time, up to
/// <see cref="MaxBytes"/>, so no user can fill the disk or the CPU with it.
/// </summary>
public sealed class VerifyGate : IDisposable
{
    public const long MaxBytes = 4L << 30;

    private readonly SemaphoreSlim _one = new(1, 1);

    /// <summary>A turn to verify, or null when another verification runs; dispose it to end the turn.</summary>
    public IDisposable? TryEnter() => _one.Wait(0) ? new Turn(_one) : null;

    public void Dispose() => _one.Dispose();

    private sealed class Turn(SemaphoreSlim one) : IDisposable
    {
        public void Dispose() => one.Release();
    }
}
