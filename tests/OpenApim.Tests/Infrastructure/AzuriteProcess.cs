using System.Diagnostics;
using System.Text.RegularExpressions;

namespace OpenApim.Tests.Infrastructure;

/// <summary>
/// An Azurite blob service of a test's own (the pinned one in tests/conformance/node_modules), for storage faults:
/// pause it (SIGSTOP: the port accepts connections but nothing answers), resume it, or kill it.
/// </summary>
public sealed partial class AzuriteProcess : IAsyncDisposable
{
    private readonly Process _process;

    private AzuriteProcess(Process process, string url)
    {
        _process = process;
        Url = url;
    }

    private static readonly Lazy<Task> Installed = new(InstallAsync, LazyThreadSafetyMode.ExecutionAndPublication);

    public string Url { get; }

    /// <summary>The server flag that makes every storage account this Azurite.</summary>
    public string[] ServerArgs => ["--OPENAPIM_BLOB_ENDPOINT_TEMPLATE", Url + "/{account}"];

    public static async Task<AzuriteProcess> StartAsync(int extentMemoryLimitMb = 256)
    {
        var bin = Path.Combine(RepositoryRoot(), "tests", "conformance", "node_modules", ".bin", "azurite-blob");
        if (!File.Exists(bin))
        {
            // A plain 'dotnet test' on a fresh clone: install the pinned Node tools once, as scripts/test.sh does.
            Installed.Value.GetAwaiter().GetResult();
        }

        var info = new ProcessStartInfo(bin) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[]
        {
            "--blobHost", "127.0.0.1", "--blobPort", "0", "--inMemoryPersistence", "--extentMemoryLimit", extentMemoryLimitMb.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--skipApiVersionCheck", "--disableTelemetry", "--loose",
        })
        {
            info.ArgumentList.Add(arg);
        }

        var process = Process.Start(info)!;
        var ready = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is { } line && Listening().Match(line) is { Success: true } m)
            {
                ready.TrySetResult(m.Groups[1].Value);
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var finished = await Task.WhenAny(ready.Task, Task.Delay(TimeSpan.FromSeconds(30)));
        if (finished != ready.Task)
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException("Azurite did not start within 30 s.");
        }

        Watchdog.OnExit($"kill {process.Id} 2>/dev/null");
        return new AzuriteProcess(process, await ready.Task);
    }

    private static async Task InstallAsync()
    {
        var folder = Path.Combine(RepositoryRoot(), "tests", "conformance");
        var info = new ProcessStartInfo("npm") { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "ci", "--no-audit", "--no-fund", "--loglevel=error" })
        {
            info.ArgumentList.Add(arg);
        }

        using var npm = Process.Start(info) ?? throw new InvalidOperationException("npm could not be started; Azurite needs Node 20 and npm.");
        var output = npm.StandardOutput.ReadToEndAsync();
        var error = npm.StandardError.ReadToEndAsync();
        await npm.WaitForExitAsync();
        if (npm.ExitCode != 0)
        {
            throw new InvalidOperationException($"npm ci in {folder} failed: {await output}{await error}");
        }
    }

    public Azure.Storage.Blobs.BlobServiceClient Client =>
        new(new Uri($"{Url}/{Azurite.Account}"), new Azure.Storage.StorageSharedKeyCredential(Azurite.Account, Azurite.Key));

    public void Pause() => Signal("STOP");

    public void Resume() => Signal("CONT");

    public async Task KillAsync()
    {
        Resume();
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            await KillAsync();
        }

        _process.Dispose();
    }

    /// <summary>The folder that holds OpenApim.slnx, found upwards from the test assembly.</summary>
    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "OpenApim.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("The repository root (OpenApim.slnx) was not found above " + AppContext.BaseDirectory);
    }

    /// <summary>Signals Azurite's node process and its children (npm's .bin script may be a wrapper).</summary>
    private void Signal(string signal)
    {
        if (_process.HasExited)
        {
            return;
        }

        using var kill = Process.Start(new ProcessStartInfo("pkill", $"-{signal} -P {_process.Id}") { UseShellExecute = false })!;
        kill.WaitForExit();
        using var self = Process.Start(new ProcessStartInfo("kill", $"-{signal} {_process.Id}") { UseShellExecute = false })!;
        self.WaitForExit();
    }

    [GeneratedRegex(@"listens on (http://127\.0\.0\.1:\d+)")]
    private static partial Regex Listening();
}
