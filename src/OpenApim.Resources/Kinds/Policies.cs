using OpenApim.Policies;
using OpenApim.Resources.Kinds.Schema;
using OpenApim.Resources.Model;
using OpenApim.Resources.Queries;

namespace OpenApim.Resources.Kinds;

/// <summary>The policy kind, declared once and mounted at service, product, API and operation scope.</summary>
internal static class Policies
{
    public static ResourceKind At(string path) => new()
    {
        Path = path,
        Names = NameRule.OneOf("policy"),
        Patchable = false,
        IsPolicy = true,
        Properties =
        [
            P.Str("value").Req(),
            P.Enum("format", "xml", "xml-link", "rawxml", "rawxml-link").Default("xml"),
        ],
        Hooks = new KindHooks { BeforeWrite = Validate },
    };

    private static async Task Validate(EntityWriteContext ctx)
    {
        var format = ctx.Properties["format"]?.GetValue<string>() ?? "xml";
        if (format.EndsWith("-link", StringComparison.Ordinal))
        {
            ctx.Problem("properties.format", $"Policy format '{format}' (fetching the policy from a URL) is not supported; send the document inline as 'xml' or 'rawxml'.");
            return;
        }

        var value = ctx.Properties["value"]!.GetValue<string>();
        try
        {
            foreach (var problem in PolicyCatalog.Check(PolicySections.Parse(value)))
            {
                ctx.Problem("properties.value", problem);
            }
        }
        catch (PolicyException e)
        {
            ctx.Problem("properties.value", e.Message);
        }

        foreach (var name in PolicyCatalog.NamedValueReferences(value).Distinct(StringComparer.OrdinalIgnoreCase))
        {
            var named = await ctx.Store.ListAsync(
                ListQuery.InService(ConfigurationKinds.NamedValues, ctx.Address.Service) with { Filter = new CompareFilter("displayName", "eq", name), Top = 1 }, ctx.Cancellation);
            if (named.Items.Count == 0)
            {
                ctx.Problem("properties.value", $"The policy refers to the named value '{{{{{name}}}}}', which does not exist.");
            }
        }

        ctx.Properties["format"] = format;
    }
}
