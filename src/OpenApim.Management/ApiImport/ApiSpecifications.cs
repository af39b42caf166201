using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.OpenApi;
using OpenApim.Resources.Arm;
using OpenApim.Resources.Entities;
using OpenApim.Resources.Hosting;
using OpenApim.Resources.Kinds;
using OpenApim.Resources.Model;
using OpenApim.Resources.Store;

namespace OpenApim.Management.ApiImport;

/// <summary>
/// API import (<c>PUT apis/{id}</c> with <c>format</c> and <c>value</c>) and export (<c>GET apis/{id}?export=true&amp;format=</c>).
/// An import writes the API, its operations and its schema in one transaction; a re-import replaces the operations
/// (those it keeps by name keep their policies and tags) and the schema.
/// </summary>
internal sealed class ApiSpecifications(EntityService entities, IResourceStore store, SpecLinks links, ExportLinks exports, ApiImportOptions options, Deployment deployment)
{
    /// <summary>Request properties that say how to import and are not kept on the API.</summary>
    private static readonly string[] ImportOnly = ["format", "value", "wsdlSelector", "soapApiType", "translateRequiredQueryParameters"];

    private static readonly (string Asked, string Answered, OpenApiSpecVersion Version, bool Yaml, bool Link)[] ExportFormats =
    [
        ("openapi-link", "openapi-link", OpenApiSpecVersion.OpenApi3_0, true, true),
        ("openapi+json-link", "openapi+json-link", OpenApiSpecVersion.OpenApi3_0, false, true),
        ("swagger-link", "swagger-link-json", OpenApiSpecVersion.OpenApi2_0, false, true),
        ("openapi", "openapi", OpenApiSpecVersion.OpenApi3_0, true, false),
        ("openapi+json", "openapi+json", OpenApiSpecVersion.OpenApi3_0, false, false),
        ("swagger", "swagger-json", OpenApiSpecVersion.OpenApi2_0, false, false),
    ];

    public static bool IsImport(JsonObject body) =>
        body.Property("properties") is JsonObject p && (p.KeyOf("format") is not null || p.KeyOf("value") is not null);

    public async Task<PutResult> ImportAsync(EntityAddress api, JsonObject body, string? ifMatch, string? ifNoneMatch, CancellationToken ct)
    {
        var requested = (JsonObject)body.Property("properties")!;
        var format = SpecFormat.Parse(requested.Property("format").Text() ?? throw ArmErrors.Validation("properties.format", "'format' is required with 'value' (e.g. 'openapi')."));
        var value = requested.Property("value").Text() ?? throw ArmErrors.Validation("properties.value", "'value' must be the specification (or, for a link format, its URL).");
        if (Encoding.UTF8.GetByteCount(value) > options.MaxSpecificationBytes)
        {
            throw ArmErrors.Validation("properties.value", $"The specification is larger than {options.MaxSpecificationBytes} bytes.");
        }

        var text = format.IsLink ? await links.FetchAsync(value, ct) : value;
        var document = await SpecReader.ReadAsync(text, format, ct);
        var imported = ApiTranslator.Translate(document, Convert.ToHexString(RandomNumberGenerator.GetBytes(12)).ToLowerInvariant());

        // What the request says wins over what the specification says (az apim api import --display-name, --service-url).
        var properties = (JsonObject)imported.Properties.DeepClone();
        foreach (var (key, node) in requested)
        {
            if (!ImportOnly.Contains(key, StringComparer.OrdinalIgnoreCase) && node is not null)
            {
                properties[key] = node.DeepClone();
            }
        }

        var children = imported.Operations.Select(o => (api.Sibling(KindCatalog.ApiOperations, [.. api.Names, o.Name]), Body(o.Properties))).ToList();
        if (imported.Schema is { } schema)
        {
            children.Add((api.Sibling(KindCatalog.ApiSchemas, [.. api.Names, schema.Name]), Body(schema.Properties)));
        }

        var request = (JsonObject)body.DeepClone();
        request[request.KeyOf("properties")!] = properties;
        return await entities.PutWithChildrenAsync(api, request, [KindCatalog.ApiOperations, KindCatalog.ApiSchemas], children, ifMatch, ifNoneMatch, ct);
    }

    /// <summary>The export result in Azure's shape: a link for the <c>-link</c> formats, the document itself otherwise.</summary>
    public async Task<JsonObject> ExportAsync(EntityAddress api, string? format, string baseUrl, CancellationToken ct)
    {
        var known = string.Join(", ", ExportFormats.Select(f => f.Asked));
        var chosen = ExportFormats.FirstOrDefault(f => f.Asked.Equals(format, StringComparison.OrdinalIgnoreCase));
        if (chosen.Asked is null)
        {
            throw new ArmException(System.Net.HttpStatusCode.BadRequest, "InvalidExportFormat",
                format is null ? $"Export needs a format: {known}." : $"Exporting as '{format}' is not supported; formats: {known}.", target: "format");
        }

        var row = await entities.GetAsync(api, ct);
        var operations = await store.ListAsync(ListQuery.Children(new CollectionAddress(api.Service, KindCatalog.ApiOperations, api)) with { Top = int.MaxValue }, ct);
        var schemas = await store.ListAsync(ListQuery.Children(new CollectionAddress(api.Service, KindCatalog.ApiSchemas, api)) with { Top = int.MaxValue }, ct);
        var document = ApiExporter.Export(row, operations.Items, schemas.Items, deployment.GatewayUrl(api.Service.Name));
        var text = await SpecReader.WriteAsync(document, chosen.Version, chosen.Yaml, ct);
        JsonNode value = chosen.Link
            ? new JsonObject { ["link"] = exports.Add(baseUrl, text, chosen.Yaml ? "application/yaml" : "application/json") }
            : chosen.Yaml ? JsonValue.Create(text) : JsonNode.Parse(text)!;
        return new JsonObject { ["id"] = row.Id, ["format"] = chosen.Answered, ["value"] = value };
    }

    private static JsonObject Body(JsonObject properties) => new() { ["properties"] = properties };
}
