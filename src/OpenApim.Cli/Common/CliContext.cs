using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Spectre.Console;

namespace OpenApim.Cli.Common;

/// <summary>One invocation: the parsed command line, where output goes, and the ARM session (signed in on first use).</summary>
internal sealed class CliContext(ParseResult parse, TextWriter stdout, TextWriter stderr, CancellationToken cancellation)
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private ArmSession? _arm;

    public ParseResult Parse => parse;

    public CancellationToken Cancellation => cancellation;

    public TextWriter Out => stdout;

    public TextWriter Error => stderr;

    public bool Json => parse.GetValue(CommonOptions.Output) == "json";

    public T Get<T>(Option<T> option) => parse.GetValue(option)!;

    public string ProfileName => parse.GetValue(CommonOptions.Profile) ?? Environment.GetEnvironmentVariable("OPENAPIM_PROFILE") ?? "default";

    /// <summary>Progress and notes go to stderr, so stdout holds only the result (one JSON document with <c>--output json</c>).</summary>
    public IAnsiConsole Console { get; } = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(stderr) });

    public async Task<ArmSession> ArmAsync() => _arm ??= await ArmSession.OpenAsync(this);

    /// <summary>Writes a result: the JSON as it is with <c>--output json</c>, else the table.</summary>
    public void Write(JsonNode? json, Func<Table>? table = null)
    {
        if (Json || table is null)
        {
            stdout.WriteLine(json?.ToJsonString(Indented) ?? "null");
            return;
        }

        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(stdout) });
        console.Write(table());
    }

    public void Note(string message)
    {
        if (!Json)
        {
            stderr.WriteLine(message);
        }
    }

    /// <summary>A two-column table of name/value rows.</summary>
    public static Table Fields(params (string Name, object? Value)[] rows)
    {
        var table = new Table().AddColumn("Field").AddColumn("Value");
        foreach (var (name, value) in rows)
        {
            table.AddRow(Markup.Escape(name), Markup.Escape(value?.ToString() ?? ""));
        }

        return table;
    }

    /// <summary>A table of items with the given columns, each read from the item's JSON by path (<c>properties.path</c>).</summary>
    public static Table Rows(IEnumerable<JsonNode?> items, params (string Header, string Path)[] columns)
    {
        var table = new Table();
        foreach (var (header, _) in columns)
        {
            table.AddColumn(header);
        }

        foreach (var item in items)
        {
            table.AddRow([.. columns.Select(c => Markup.Escape(Read(item, c.Path)))]);
        }

        return table;
    }

    public static string Read(JsonNode? node, string path)
    {
        foreach (var segment in path.Split('.'))
        {
            node = node?[segment];
        }

        return node switch
        {
            null => "",
            JsonValue v when v.TryGetValue<string>(out var s) => s,
            _ => node.ToJsonString(),
        };
    }
}
