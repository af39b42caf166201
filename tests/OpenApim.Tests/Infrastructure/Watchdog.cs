using System.Diagnostics;

namespace OpenApim.Tests.Infrastructure;

/// <summary>
/// Cleans up after the test process even when it is killed before its exit handlers run: a detached shell waits for
/// this process to end, then runs the clean-up (stop a server it started, remove its files).
/// </summary>
internal static class Watchdog
{
    public static void OnExit(string cleanup)
    {
        var info = new ProcessStartInfo("/bin/sh") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add($"while kill -0 {Environment.ProcessId} 2>/dev/null; do sleep 1; done; {cleanup}");
        using var watchdog = Process.Start(info);
    }

    /// <summary>Quotes a value for the shell.</summary>
    public static string Quote(string value) => "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
