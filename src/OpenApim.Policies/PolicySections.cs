using System.Xml;
using System.Xml.Linq;

namespace OpenApim.Policies;

/// <summary>The four sections of a policy document; each may contain <c>&lt;base /&gt;</c>.</summary>
public sealed record PolicySections(IReadOnlyList<PolicyElement> Inbound, IReadOnlyList<PolicyElement> Backend, IReadOnlyList<PolicyElement> Outbound, IReadOnlyList<PolicyElement> OnError)
{
    public static readonly string[] Names = ["inbound", "backend", "outbound", "on-error"];

    /// <summary>What a scope without a policy means: every section just inherits (<c>&lt;base /&gt;</c>).</summary>
    public static readonly PolicySections Inherit = new([Base], [Base], [Base], [Base]);

    private static PolicyElement Base => new("base", new Dictionary<string, string>(), [], "", 0);

    public IReadOnlyList<PolicyElement> Section(string name) => name switch
    {
        "inbound" => Inbound,
        "backend" => Backend,
        "outbound" => Outbound,
        "on-error" => OnError,
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    /// <summary>Parses a policy document; throws <see cref="PolicyException"/> with the line when it is not well-formed.</summary>
    public static PolicySections Parse(string xml)
    {
        XDocument doc;
        try
        {
            using var reader = XmlReader.Create(new StringReader(xml), new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null, IgnoreComments = true });
            doc = XDocument.Load(reader, LoadOptions.SetLineInfo);
        }
        catch (XmlException e)
        {
            throw new PolicyException($"The policy document is not well-formed XML (line {e.LineNumber}): {e.Message}");
        }

        var root = doc.Root!;
        if (root.Name.LocalName != "policies")
        {
            throw new PolicyException($"The policy document's root element must be <policies>, not <{root.Name.LocalName}> (line {Line(root)}).");
        }

        var sections = new Dictionary<string, IReadOnlyList<PolicyElement>>();
        foreach (var section in root.Elements())
        {
            var name = section.Name.LocalName;
            if (!Names.Contains(name))
            {
                throw new PolicyException($"Unknown section <{name}> in <policies> (line {Line(section)}); the sections are {string.Join(", ", Names)}.");
            }

            sections[name] = [.. section.Elements().Select(Convert)];
        }

        // A missing section inherits nothing, as in API Management.
        return new PolicySections(
            sections.GetValueOrDefault("inbound") ?? [],
            sections.GetValueOrDefault("backend") ?? [],
            sections.GetValueOrDefault("outbound") ?? [],
            sections.GetValueOrDefault("on-error") ?? []);
    }

    private static PolicyElement Convert(XElement e) => new(
        e.Name.LocalName,
        e.Attributes().ToDictionary(a => a.Name.LocalName, a => a.Value, StringComparer.Ordinal),
        [.. e.Elements().Select(Convert)],
        string.Concat(e.Nodes().OfType<XText>().Select(t => t.Value)).Trim(),
        Line(e));

    private static int Line(XElement e) => ((IXmlLineInfo)e).HasLineInfo() ? ((IXmlLineInfo)e).LineNumber : 0;
}
