using System.CommandLine;

namespace OpenApim.Cli.Common;

/// <summary>The options every command takes (declared once on the root, recursive).</summary>
internal static class CommonOptions
{
    public static readonly Option<string> Output = new("--output", "-o")
    {
        Description = "Output format: table (for people) or json (for scripts; one JSON document on stdout).",
        Recursive = true,
        DefaultValueFactory = _ => "table",
    };

    public static readonly Option<string?> CaFile = new("--ca-file")
    {
        Description = "PEM certificate(s) to trust for the management endpoint, besides the system's and SSL_CERT_FILE's (OpenApim's generated certificate: {data-dir}/tls/openapim-dev-cert.pem).",
        Recursive = true,
    };

    public static readonly Option<string?> Profile = new("--profile")
    {
        Description = "The login profile to use (default: OPENAPIM_PROFILE, else 'default').",
        Recursive = true,
    };

    public static readonly Option<string?> Subscription = new("--subscription")
    {
        Description = "Azure subscription id (default: the profile's, chosen at login).",
        Recursive = true,
    };

    /// <summary>The service's resource group and name, as the Azure CLI spells them.</summary>
    public static readonly Option<string> Group = Required("--resource-group", "Resource group.", "-g");

    public static readonly Option<string> Name = Required("--name", "Service name.", "-n");

    static CommonOptions() => Output.AcceptOnlyFromAmong("table", "json");

    public static void AddTo(RootCommand root)
    {
        root.Options.Add(Output);
        root.Options.Add(CaFile);
        root.Options.Add(Profile);
        root.Options.Add(Subscription);
    }

    /// <summary>A required string option with its aliases.</summary>
    public static Option<string> Required(string name, string description, params string[] aliases) =>
        new(name, aliases) { Description = description, Required = true };

    /// <summary>An optional string option with its aliases.</summary>
    public static Option<string?> Optional(string name, string description, params string[] aliases) =>
        new(name, aliases) { Description = description };

    /// <summary>A flag.</summary>
    public static Option<bool> Flag(string name, string description) => new(name) { Description = description };
}
