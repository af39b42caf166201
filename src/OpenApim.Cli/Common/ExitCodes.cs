namespace OpenApim.Cli.Common;

/// <summary>The exit codes of every command (documented in docs/cli.md).</summary>
internal static class ExitCodes
{
    /// <summary>The command did what it was asked (a drill: it passed).</summary>
    public const int Success = 0;

    /// <summary>The operation failed: the ARM error (code and message) or the storage problem is printed on stderr; a drill that did not pass.</summary>
    public const int Failed = 1;

    /// <summary>The command line is wrong: an unknown command or option, a missing or malformed value.</summary>
    public const int Usage = 2;
}

/// <summary>A failure the CLI reports as <c>ERROR: {code}: {message}</c> and exits with <see cref="ExitCode"/>.</summary>
internal sealed class CliFailure(string code, string message, int exitCode = ExitCodes.Failed) : Exception(message)
{
    public string Code { get; } = code;

    public int ExitCode { get; } = exitCode;

    public static CliFailure Usage(string message) => new("UsageError", message, ExitCodes.Usage);
}
