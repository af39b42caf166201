using System.CommandLine;

namespace OpenApim.Cli.Common;

/// <summary><c>openapim completion bash|zsh</c>: a shell function that asks the CLI itself for candidates (System.CommandLine's suggest directive).</summary>
internal static class CompletionCommand
{
    private const string Bash = """
        # openapim completion: eval "$(openapim completion bash)" (add it to ~/.bashrc)
        _openapim_complete() {
          local IFS=$'\n'
          COMPREPLY=( $(openapim "[suggest:${COMP_POINT}]" "${COMP_LINE}" 2>/dev/null) )
        }
        complete -o default -F _openapim_complete openapim
        """;

    public static Command Build()
    {
        var shell = new Argument<string>("shell") { Description = "bash or zsh." };
        shell.AcceptOnlyFromAmong("bash", "zsh");
        var command = new Command("completion", "Print the shell completion script.\n\nExample:\n  eval \"$(openapim completion bash)\"") { shell };
        command.SetAction(parse =>
        {
            var script = parse.GetValue(shell) == "zsh" ? "autoload -U +X bashcompinit && bashcompinit\n" + Bash : Bash;
            parse.InvocationConfiguration.Output.WriteLine(script);
            return ExitCodes.Success;
        });
        return command;
    }
}
