using System.CommandLine;

namespace OpenApim.Cli.Common;

/// <summary>How every command's body runs: in a <see cref="CliContext"/>, its failure mapped to an exit code and printed as <c>ERROR: {code}: {message}</c>.</summary>
internal static class CommandRunner
{
    private static readonly AsyncLocal<(TextWriter Out, TextWriter Error)?> Writers = new();

    /// <summary>Where this invocation's output goes (tests and the entry point pass their writers), until disposed.</summary>
    public static IDisposable WriteTo(TextWriter stdout, TextWriter stderr)
    {
        Writers.Value = (stdout, stderr);
        return new Reset();
    }

    /// <summary>Runs a command's body in a <see cref="CliContext"/> and maps its failure to an exit code.</summary>
    public static async Task<int> RunAsync((ParseResult Parse, CancellationToken Cancellation) invocation, Func<CliContext, Task> body)
    {
        var (parse, ct) = invocation;
        var (stdout, stderr) = Writers.Value ?? (Console.Out, Console.Error);
        var context = new CliContext(parse, stdout, stderr, ct);
        try
        {
            await body(context);
            return ExitCodes.Success;
        }
        catch (CliFailure e)
        {
            await stderr.WriteLineAsync($"ERROR: {e.Code}: {e.Message}");
            return e.ExitCode;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            await stderr.WriteLineAsync("ERROR: Canceled: the command was interrupted.");
            return ExitCodes.Failed;
        }
        catch (OpenApim.Backup.Catalog.CatalogException e)
        {
            await stderr.WriteLineAsync($"ERROR: {e.Code}: {e.Message}");
            return ExitCodes.Failed;
        }
        catch (HttpRequestException e)
        {
            await stderr.WriteLineAsync($"ERROR: EndpointUnreachable: {e.Message}");
            return ExitCodes.Failed;
        }
        catch (TaskCanceledException)
        {
            await stderr.WriteLineAsync("ERROR: Timeout: the endpoint did not answer in time.");
            return ExitCodes.Failed;
        }
        catch (System.Security.Cryptography.CryptographicException e)
        {
            await stderr.WriteLineAsync($"ERROR: UsageError: a certificate file cannot be read ({e.Message}).");
            return ExitCodes.Usage;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or InvalidOperationException)
        {
            await stderr.WriteLineAsync($"ERROR: {e.GetType().Name.Replace("Exception", "", StringComparison.Ordinal)}: {e.Message}");
            return ExitCodes.Failed;
        }
    }

    /// <summary>A command whose body returns its own exit code (the drill: 1 when it did not pass).</summary>
    public static async Task<int> RunWithExitCodeAsync((ParseResult Parse, CancellationToken Cancellation) invocation, Func<CliContext, Task<int>> body)
    {
        var code = ExitCodes.Success;
        var result = await RunAsync(invocation, async context => { code = await body(context); });
        return result == ExitCodes.Success ? code : result;
    }

    private sealed class Reset : IDisposable
    {
        public void Dispose() => Writers.Value = null;
    }
}
