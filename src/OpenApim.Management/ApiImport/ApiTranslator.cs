using System.Text;
using System.Text.Json.Nodes;
using OpenApim.Resources.Arm;
using OpenApim.Resources.Model;

namespace OpenApim.Management.ApiImport;

/// <summary>
/// Turns an OpenAPI 3.0 document (JSON, as <see cref="SpecReader"/> hands it on) into the API, operations and schema
/// API Management makes of it: operations named by operationId (else method and path), parameters by where they go,
/// request and response bodies as representations that name a type of the schema entity.
/// </summary>
internal static class ApiTranslator
{
    public const string ComponentsContentType = "application/vnd.oai.openapi.components+json";

    /// <summary>Most operations one import creates (they are written in one transaction).</summary>
    public const int MaxOperations = 1000;

    private static readonly string[] Methods = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

    public static ImportedApi Translate(JsonObject document, string schemaId)
    {
        var info = document["info"] as JsonObject ?? [];
        var properties = new JsonObject
        {
            ["displayName"] = Truncate(info["title"].Text(), 300),
            ["description"] = info["description"].Text(),
            ["serviceUrl"] = ServiceUrl(document),
        };
        var components = (document["components"]?["schemas"] as JsonObject)?.DeepClone() as JsonObject ?? [];
        var operations = new List<ImportedChild>();
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (path, item) in document["paths"] as JsonObject ?? [])
        {
            if (item is not JsonObject pathItem)
            {
                continue;
            }

            var shared = Parameters(document, pathItem["parameters"]);
            foreach (var method in Methods)
            {
                if (pathItem[method] is JsonObject operation)
                {
                    if (operations.Count == MaxOperations)
                    {
                        throw ArmErrors.Validation("properties.value", $"The specification has more than {MaxOperations} operations; API Management imports at most {MaxOperations} per API.");
                    }

                    var name = UniqueName(names, operation["operationId"].Text(), method, path);
                    operations.Add(new ImportedChild(name, Operation(document, components, schemaId, name, method, path, operation, shared)));
                }
            }
        }

        var schema = components.Count == 0
            ? null
            : new ImportedChild(schemaId, new JsonObject
            {
                ["contentType"] = ComponentsContentType,
                ["document"] = new JsonObject { ["components"] = new JsonObject { ["schemas"] = components } },
            });
        return new ImportedApi(properties, operations, schema);
    }

    private static JsonObject Operation(JsonObject document, JsonObject components, string schemaId, string name, string method, string path, JsonObject operation, IReadOnlyList<JsonObject> shared)
    {
        var parameters = shared.Concat(Parameters(document, operation["parameters"]))
            .GroupBy(p => (p["name"].Text(), p["in"].Text()))
            .Select(g => g.Last())
            .ToList();
        var request = new JsonObject
        {
            ["queryParameters"] = ParameterList(parameters, "query"),
            ["headers"] = ParameterList(parameters, "header"),
            ["representations"] = Representations(Resolve(document, operation["requestBody"])?["content"], components, schemaId, $"{name}Request"),
        };
        if ((Resolve(document, operation["requestBody"])?["description"]).Text() is { } requestDescription)
        {
            request["description"] = requestDescription;
        }

        var responses = new JsonArray();
        foreach (var (code, value) in operation["responses"] as JsonObject ?? [])
        {
            // "default" and ranges such as "2XX" have no status code to hold them.
            if (!int.TryParse(code, out var status) || status is < 100 or > 599 || Resolve(document, value) is not { } response)
            {
                continue;
            }

            responses.Add(new JsonObject
            {
                ["statusCode"] = status,
                ["description"] = response["description"].Text(),
                ["representations"] = Representations(response["content"], components, schemaId, $"{name}{status}Response"),
                ["headers"] = new JsonArray([.. (response["headers"] as JsonObject ?? []).Select(h => (JsonNode)Parameter(h.Key, Resolve(document, h.Value) ?? [], required: false))]),
            });
        }

        return new JsonObject
        {
            ["displayName"] = Truncate(operation["summary"].Text(), 300) ?? Truncate(operation["operationId"].Text(), 300) ?? Truncate($"{method.ToUpperInvariant()} {path}", 300),
            ["method"] = method.ToUpperInvariant(),
            ["urlTemplate"] = path,
            ["description"] = Truncate(operation["description"].Text(), 1000),
            ["templateParameters"] = TemplateParameters(path, parameters),
            ["request"] = request,
            ["responses"] = responses,
        };
    }

    /// <summary>The path parameters, plus any the template uses without declaring (API Management requires each one).</summary>
    private static JsonArray TemplateParameters(string path, List<JsonObject> parameters)
    {
        var declared = ParameterList(parameters, "path", required: true);
        var names = declared.Select(p => p!["name"].Text()).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var segment in path.Split('/'))
        {
            if (segment.Length > 2 && segment[0] == '{' && segment[^1] == '}' && names.Add(segment[1..^1]))
            {
                declared.Add(new JsonObject { ["name"] = segment[1..^1], ["type"] = "string", ["required"] = true });
            }
        }

        return declared;
    }

    private static List<JsonObject> Parameters(JsonObject document, JsonNode? list) =>
        [.. (list as JsonArray ?? []).Select(p => Resolve(document, p)).OfType<JsonObject>().Where(p => p["name"].Text() is not null)];

    private static JsonArray ParameterList(IEnumerable<JsonObject> parameters, string location, bool? required = null) =>
        new([.. parameters.Where(p => p["in"].Text() == location).Select(p => (JsonNode)Parameter(p["name"].Text()!, p, required))]);

    private static JsonObject Parameter(string name, JsonObject parameter, bool? required)
    {
        var schema = parameter["schema"] as JsonObject ?? [];
        var result = new JsonObject
        {
            ["name"] = name,
            ["description"] = parameter["description"].Text(),
            ["type"] = schema["type"].Text() ?? (schema["$ref"] is null ? "string" : "object"),
            ["required"] = required ?? parameter["required"].Flag() == true,
        };
        if (schema["default"] is JsonValue defaultValue)
        {
            result["defaultValue"] = defaultValue.ToString();
        }

        if (schema["enum"] is JsonArray values)
        {
            result["values"] = new JsonArray([.. values.Select(v => (JsonNode?)v?.ToString())]);
        }

        return result;
    }

    /// <summary>A body's media types as representations; an inline schema becomes a named type of the schema entity.</summary>
    private static JsonArray Representations(JsonNode? content, JsonObject components, string schemaId, string inlineName)
    {
        var representations = new JsonArray();
        foreach (var (contentType, media) in content as JsonObject ?? [])
        {
            var representation = new JsonObject { ["contentType"] = contentType };
            if (media?["schema"] is JsonObject schema)
            {
                var typeName = RefName(schema);
                if (typeName is null)
                {
                    typeName = components.ContainsKey(inlineName) ? $"{inlineName}{components.Count}" : inlineName;
                    components[typeName] = schema.DeepClone();
                }

                representation["schemaId"] = schemaId;
                representation["typeName"] = typeName;
            }

            if (media?["example"] is { } example)
            {
                representation["examples"] = new JsonObject { ["default"] = new JsonObject { ["value"] = example.DeepClone() } };
            }

            representations.Add(representation);
        }

        return representations;
    }

    /// <summary>The component a <c>$ref</c> names, for local references to <c>#/components/schemas/</c>.</summary>
    private static string? RefName(JsonObject schema) =>
        schema["$ref"].Text() is { } reference && reference.StartsWith("#/components/schemas/", StringComparison.Ordinal)
            ? Uri.UnescapeDataString(reference["#/components/schemas/".Length..].Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal))
            : null;

    /// <summary>Follows a local <c>$ref</c> (parameters, request bodies, responses, headers) once; others come back as they are.</summary>
    private static JsonObject? Resolve(JsonObject document, JsonNode? node)
    {
        for (var hops = 0; hops < 8 && node is JsonObject o && o["$ref"].Text() is { } reference; hops++)
        {
            if (!reference.StartsWith("#/", StringComparison.Ordinal))
            {
                return null;
            }

            JsonNode? target = document;
            foreach (var segment in reference[2..].Split('/'))
            {
                target = target?[segment.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal)];
            }

            node = target;
        }

        return node as JsonObject;
    }

    private static string? ServiceUrl(JsonObject document) =>
        (document["servers"] as JsonArray)?.Select(s => s?["url"].Text())
            .FirstOrDefault(u => Uri.TryCreate(u, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp))
            is { } url ? Truncate(url.TrimEnd('/'), 2000) : null;

    /// <summary>The operationId when it makes a valid name, else <c>{method}-{path}</c> in the characters names allow; unique in the API.</summary>
    private static string UniqueName(HashSet<string> taken, string? operationId, string method, string path)
    {
        var name = operationId is { Length: > 0 and <= 80 } && NameRule.Unsafe(operationId) is null && operationId.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')
            ? operationId
            : Slug($"{method}-{path}");
        var unique = name;
        for (var i = 2; !taken.Add(unique); i++)
        {
            unique = $"{name[..Math.Min(name.Length, 75)]}-{i}";
        }

        return unique;
    }

    private static string Slug(string text)
    {
        var slug = new StringBuilder();
        foreach (var c in text.ToLowerInvariant())
        {
            if (char.IsAsciiLetterOrDigit(c))
            {
                slug.Append(c);
            }
            else if (slug.Length > 0 && slug[^1] != '-')
            {
                slug.Append('-');
            }
        }

        var result = slug.ToString().Trim('-');
        return result.Length == 0 ? "operation" : result[..Math.Min(result.Length, 80)].TrimEnd('-');
    }

    /// <summary>Empty counts as missing (an empty title or summary must not become an empty display name).</summary>
    private static string? Truncate(string? text, int max) => string.IsNullOrWhiteSpace(text) ? null : text.Length <= max ? text : text[..max];
}
