namespace OpenApim.Server.Configuration;

/// <summary>One setting: its environment variable (also the configuration key), its flag, default and meaning.</summary>
internal sealed record Setting(string Env, string? Flag, string? Default, string Description);
