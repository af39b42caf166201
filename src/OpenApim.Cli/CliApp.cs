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
        root.Subcommands.Add(CompletionCommand.Build());
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

        using var writers = CommandRunner.WriteTo(stdout, stderr);
        return await parse.InvokeAsync(new InvocationConfiguration { Output = stdout, Error = stderr }, ct);
    }
}
