namespace OpenApim.OperatorConsole;

/// <summary>The console's session: its cookie authentication scheme and the authorization policy every console page and action requires.</summary>
public static class ConsoleSession
{
    public const string Scheme = "console";

    public const string Policy = "console";
}
