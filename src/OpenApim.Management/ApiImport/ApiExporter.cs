using System.Text.Json.Nodes;
using OpenApim.Resources.Arm;
using OpenApim.Resources.Model;

namespace OpenApim.Management.ApiImport;

/// <summary>
/// Writes an API as an OpenAPI 3.0 document the way API Management exports it: the gateway address as the server,
/// every operation with its parameters and representations, the schema entities' types as components, and the
/// subscription key as the security scheme.
/// </summary>
internal static class ApiExporter
{
    public static JsonObject Export(StoredResource api, IReadOnlyList<StoredResource> operations, IReadOnlyList<StoredResource> schemas, string? gatewayUrl)
    {
        var p = api.Properties;
        var paths = new JsonObject();
        foreach (var operation in operations.OrderBy(o => o.Name, StringComparer.Ordinal))
        {
            var o = operation.Properties;
            var template = o["urlTemplate"].Text() ?? "/";
            var path = template.Split('?')[0];
            if (paths[path] is not JsonObject item)
            {
                item = [];
                paths[path] = item;
            }

            item[(o["method"].Text() ?? "GET").ToLowerInvariant()] = Operation(operation.Name, o);
        }

        var keys = p["subscriptionKeyParameterNames"] as JsonObject;
        var document = new JsonObject
        {
            ["openapi"] = "3.0.1",
            ["info"] = new JsonObject
            {
                ["title"] = p["displayName"].Text() ?? api.Name,
                ["description"] = p["description"].Text() ?? "",
                ["version"] = p["apiVersion"].Text() ?? "1.0",
            },
            ["servers"] = new JsonArray(new JsonObject { ["url"] = $"{(gatewayUrl ?? "").TrimEnd('/')}/{p["path"].Text()}".TrimEnd('/') }),
            ["paths"] = paths,
            ["components"] = new JsonObject
            {
                ["schemas"] = Components(schemas),
                ["securitySchemes"] = new JsonObject
                {
                    ["apiKeyHeader"] = new JsonObject { ["type"] = "apiKey", ["name"] = keys?["header"].Text() ?? "Ocp-Apim-Subscription-Key", ["in"] = "header" },
                    ["apiKeyQuery"] = new JsonObject { ["type"] = "apiKey", ["name"] = keys?["query"].Text() ?? "subscription-key", ["in"] = "query" },
                },
            },
            ["security"] = new JsonArray(new JsonObject { ["apiKeyHeader"] = new JsonArray() }, new JsonObject { ["apiKeyQuery"] = new JsonArray() }),
        };
        return document;
    }

    private static JsonObject Operation(string name, JsonObject o)
    {
        var parameters = new JsonArray();
        AddParameters(parameters, o["templateParameters"], "path");
        AddParameters(parameters, (o["request"] as JsonObject)?["queryParameters"], "query");
        AddParameters(parameters, (o["request"] as JsonObject)?["headers"], "header");
        var operation = new JsonObject
        {
            ["summary"] = o["displayName"].Text() ?? name,
            ["description"] = o["description"].Text() ?? "",
            ["operationId"] = name,
            ["parameters"] = parameters,
        };
        var request = o["request"] as JsonObject;
        if (request?["representations"] is JsonArray { Count: > 0 } requestBody)
        {
            operation["requestBody"] = new JsonObject { ["content"] = Content(requestBody) };
        }

        var responses = new JsonObject();
        foreach (var response in (o["responses"] as JsonArray ?? []).OfType<JsonObject>())
        {
            if (response["statusCode"] is JsonValue code)
            {
                var r = new JsonObject { ["description"] = response["description"].Text() ?? "" };
                if (response["representations"] is JsonArray { Count: > 0 } representations)
                {
                    r["content"] = Content(representations);
                }

                responses[code.ToString()] = r;
            }
        }

        operation["responses"] = responses.Count > 0 ? responses : new JsonObject { ["200"] = new JsonObject { ["description"] = "" } };
        return operation;
    }

    private static void AddParameters(JsonArray into, JsonNode? list, string location)
    {
        foreach (var parameter in (list as JsonArray ?? []).OfType<JsonObject>())
        {
            if (parameter["name"].Text() is not { } name)
            {
                continue;
            }

            var schema = new JsonObject { ["type"] = parameter["type"].Text() ?? "string" };
            if (parameter["values"] is JsonArray { Count: > 0 } values)
            {
                schema["enum"] = values.DeepClone();
            }

            if (parameter["defaultValue"].Text() is { } defaultValue)
            {
                schema["default"] = defaultValue;
            }

            into.Add(new JsonObject
            {
                ["name"] = name,
                ["in"] = location,
                ["description"] = parameter["description"].Text() ?? "",
                ["required"] = location == "path" || parameter["required"].Flag() == true,
                ["schema"] = schema,
            });
        }
    }

    private static JsonObject Content(JsonArray representations)
    {
        var content = new JsonObject();
        foreach (var representation in representations.OfType<JsonObject>())
        {
            if (representation["contentType"].Text() is not { } contentType)
            {
                continue;
            }

            var media = new JsonObject();
            if (representation["typeName"].Text() is { } typeName)
            {
                media["schema"] = new JsonObject { ["$ref"] = $"#/components/schemas/{typeName.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal)}" };
            }

            if (((representation["examples"] as JsonObject)?["default"] as JsonObject)?["value"] is { } example)
            {
                media["example"] = example.DeepClone();
            }

            content[contentType] = media;
        }

        return content;
    }

    /// <summary>The types of every schema entity: OpenAPI components, or Swagger definitions.</summary>
    private static JsonObject Components(IReadOnlyList<StoredResource> schemas)
    {
        var components = new JsonObject();
        foreach (var schema in schemas)
        {
            var document = schema.Properties["document"] as JsonObject;
            var types = (document?["components"] as JsonObject)?["schemas"] as JsonObject ?? document?["definitions"] as JsonObject ?? schema.Properties["definitions"] as JsonObject;
            foreach (var (name, type) in types ?? [])
            {
                components[name] = RewriteRefs(type?.DeepClone());
            }
        }

        return components;
    }

    /// <summary>Swagger's <c>#/definitions/X</c> references become <c>#/components/schemas/X</c>.</summary>
    private static JsonNode? RewriteRefs(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                if (o["$ref"].Text() is { } reference && reference.StartsWith("#/definitions/", StringComparison.Ordinal))
                {
                    o["$ref"] = "#/components/schemas/" + reference["#/definitions/".Length..];
                }

                foreach (var (_, child) in o.ToList())
                {
                    RewriteRefs(child);
                }

                break;
            case JsonArray a:
                foreach (var child in a)
                {
                    RewriteRefs(child);
                }

                break;
        }

        return node;
    }
}
