using System.CommandLine;
using OpenApim.Cli.Apim;
using OpenApim.Cli.Backups;
using OpenApim.Cli.Common;
using OpenApim.Cli.Drill;
using OpenApim.Cli.Entities;
using OpenApim.Cli.Login;
using OpenApim.Cli.Protection;

namespace OpenApim.Cli;

/// <summary>The command tree, and how every command ends: 0, 1 with the ARM code and message, or 2 for a wrong command line.</summary>
internal static class CliApp
{
    private static readonly AsyncLocal<(TextWriter Out, TextWriter Error)?> Writers = new();

    public static RootCommand Build()
    {
        var root = new RootCommand("""
            openapim: drive OpenApim (or Azure API Management, where it speaks only ARM) from the command line: sign in, manage services
            and entities, back up and restore, read and verify what a storage container holds, and prove recovery with one drill.

            Exit codes: 0 success, 1 the operation failed (the ARM error code and message are printed), 2 usage error.
            """);
        CommonOptions.AddTo(root);
        root.Subcommands.Add(LoginCommand.Build());
        root.Subcommands.Add(ApimCommands.Build());
        foreach (var command in EntityCommands.Build())
        {
            root.Subcommands.Add(command);
        }

        root.Subcommands.Add(BackupCommands.Build());
        foreach (var command in ProtectionCommands.Build())
        {
            root.Subcommands.Add(command);
        }

        root.Subcommands.Add(DrillCommand.Build());
        return root;
    }

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        var parse = Build().Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
            {
                await stderr.WriteLineAsync($"ERROR: UsageError: {error.Message}");
            }

            await stderr.WriteLineAsync("Run 'openapim --help' (or 'openapim COMMAND --help') for usage.");
            return ExitCodes.Usage;
        }

        Writers.Value = (stdout, stderr);
        try
        {
            return await parse.InvokeAsync(new InvocationConfiguration { Output = stdout, Error = stderr }, ct);
        }
        finally
        {
            Writers.Value = null;
        }
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
    }

    /// <summary>A command whose body returns its own exit code (the drill: 1 when it did not pass).</summary>
    public static async Task<int> RunWithExitCodeAsync((ParseResult Parse, CancellationToken Cancellation) invocation, Func<CliContext, Task<int>> body)
    {
        var code = ExitCodes.Success;
        var result = await RunAsync(invocation, async context => { code = await body(context); });
        return result == ExitCodes.Success ? code : result;
    }
}
