using System.Xml;
using OpenApim.Resources.Kinds.Schema;

namespace OpenApim.Resources.Kinds.Families;

/// <summary>The policy kind, declared once and mounted at service, product, API and operation scope.</summary>
internal static class Policies
{
    public static ResourceKind At(string path) => new()
    {
        Path = path,
        Names = NameRule.OneOf("policy"),
        Patchable = false,
        Properties =
        [
            P.Str("value").Req(),
            P.Enum("format", "xml", "xml-link", "rawxml", "rawxml-link").Default("xml"),
        ],
        Hooks = new KindHooks { BeforeWrite = Validate },
    };

    private static Task Validate(EntityWriteContext ctx)
    {
        var format = ctx.Properties["format"]?.GetValue<string>() ?? "xml";
        if (format.EndsWith("-link", StringComparison.Ordinal))
        {
            ctx.Problem("properties.format", $"Policy format '{format}' (fetching the policy from a URL) is not supported; send the document inline as 'xml' or 'rawxml'.");
            return Task.CompletedTask;
        }

        var value = ctx.Properties["value"]!.GetValue<string>();
        foreach (var problem in PolicyDocument.Check(value))
        {
            ctx.Problem("properties.value", problem);
        }

        // Stored as the document itself; 'format' only said how it was sent.
        ctx.Properties["format"] = format;
        return Task.CompletedTask;
    }
}

/// <summary>Structural checks of a policy document shared by every policy scope.</summary>
public static class PolicyDocument
{
    private static readonly string[] Sections = ["inbound", "backend", "outbound", "on-error"];

    public static IEnumerable<string> Check(string xml)
    {
        XmlDocument doc;
        try
        {
            doc = new XmlDocument { XmlResolver = null };
            using var reader = XmlReader.Create(new StringReader(xml), new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null });
            doc.Load(reader);
        }
        catch (XmlException e)
        {
            return [$"The policy document is not well-formed XML: {e.Message}"];
        }

        var root = doc.DocumentElement!;
        if (root.Name != "policies")
        {
            return [$"The policy document's root element must be <policies>, not <{root.Name}> (line {LineOf(xml, root.Name)})."];
        }

        return root.ChildNodes.OfType<XmlElement>()
            .Where(e => !Sections.Contains(e.Name))
            .Select(e => $"Unknown section <{e.Name}> in <policies> (line {LineOf(xml, e.Name)}); expected {string.Join(", ", Sections)}.")
            .ToList();
    }

    private static int LineOf(string xml, string element)
    {
        var index = xml.IndexOf("<" + element, StringComparison.Ordinal);
        return index < 0 ? 1 : xml.AsSpan(0, index).Count('\n') + 1;
    }
}
