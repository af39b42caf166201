using OpenApim.Resources.Arm;

namespace OpenApim.Management.ApiImport;

/// <summary>The <c>properties.format</c> of an API import: how <c>properties.value</c> is to be read.</summary>
internal sealed record SpecFormat(string Name, bool IsLink, bool RequiresJson)
{
    private static readonly SpecFormat[] Known =
    [
        new("openapi", false, false),
        new("openapi+json", false, true),
        new("swagger-json", false, true),
        new("openapi-link", true, false),
        new("openapi+json-link", true, true),
        new("swagger-link-json", true, true),
    ];

    private static readonly string[] Unsupported = ["wsdl", "wsdl-link", "wadl-xml", "wadl-link-json", "graphql-link"];

    /// <summary>The format named, or a 400 that says which formats this server imports.</summary>
    public static SpecFormat Parse(string value)
    {
        if (Known.FirstOrDefault(f => f.Name.Equals(value, StringComparison.OrdinalIgnoreCase)) is { } known)
        {
            return known;
        }

        var supported = string.Join(", ", Known.Select(f => f.Name));
        return Unsupported.Contains(value, StringComparer.OrdinalIgnoreCase)
            ? throw ArmErrors.Validation("properties.format", $"Importing '{value}' is not supported by OpenApim (see docs/differences-from-azure.md); supported formats: {supported}.")
            : throw ArmErrors.Validation("properties.format", $"'{value}' is not an import format; supported formats: {supported}.");
    }
}
