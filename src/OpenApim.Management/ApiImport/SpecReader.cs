using System.Text;
using System.Text.Json.Nodes;
using Microsoft.OpenApi;
using Microsoft.OpenApi.Reader;
using OpenApim.Resources.Arm;

namespace OpenApim.Management.ApiImport;

/// <summary>
/// Reads an OpenAPI 3.x or Swagger 2.0 document (YAML or JSON) with Microsoft.OpenApi and hands it on as one shape:
/// OpenAPI 3.0 JSON. The reader refuses YAML alias bombs itself; external references are never followed.
/// </summary>
internal static class SpecReader
{
    /// <summary>Most problems listed in one error (a broken document can have thousands).</summary>
    private const int MaxListedProblems = 20;

    public static async Task<JsonObject> ReadAsync(string text, SpecFormat format, CancellationToken ct)
    {
        var settings = new OpenApiReaderSettings { LoadExternalRefs = false };
        settings.AddYamlReader();
        var trimmed = text.TrimStart('\uFEFF', ' ', '\t', '\r', '\n');
        var json = trimmed.StartsWith('{');
        if (format.RequiresJson && !json)
        {
            throw Invalid([$"format '{format.Name}' takes a JSON document, and this is not JSON"]);
        }

        ReadResult result;
        try
        {
            result = OpenApiDocument.Parse(trimmed, json ? OpenApiConstants.Json : OpenApiConstants.Yaml, settings);
        }
        catch (Exception e) when (e is OpenApiException or FormatException or InvalidOperationException or ArgumentException or System.Text.Json.JsonException)
        {
            throw Invalid([e.Message]);
        }

        var diagnostic = result.Diagnostic;
        var problems = (diagnostic?.Errors ?? [])
            .Concat((diagnostic?.Warnings ?? []).Where(w => w.Message.Contains("does not point to an existing", StringComparison.Ordinal)))
            .Select(e => string.IsNullOrEmpty(e.Pointer) ? e.Message : $"{e.Pointer}: {e.Message}")
            .ToList();
        if (problems.Count > 0 || result.Document is null)
        {
            throw Invalid(problems.Count > 0 ? problems : ["the document could not be read"]);
        }

        if (diagnostic?.SpecificationVersion == OpenApiSpecVersion.OpenApi2_0 && format.Name.StartsWith("openapi", StringComparison.Ordinal) ||
            diagnostic?.SpecificationVersion != OpenApiSpecVersion.OpenApi2_0 && format.Name.StartsWith("swagger", StringComparison.Ordinal))
        {
            throw Invalid([$"format '{format.Name}' does not match the document, which is {(diagnostic?.SpecificationVersion == OpenApiSpecVersion.OpenApi2_0 ? "Swagger 2.0" : "OpenAPI 3")}"]);
        }

        // What is stored passes the same checks as any request body (no U+0000, no lone surrogates, bounded depth), with
        // room for the levels a schema entity adds around the document.
        JsonNode? parsed;
        try
        {
            var v3 = await result.Document.SerializeAsJsonAsync(OpenApiSpecVersion.OpenApi3_0, ct);
            parsed = StrictJson.Parse(Encoding.UTF8.GetBytes(v3));
        }
        catch (ArmException e)
        {
            throw Invalid([e.Message]);
        }
        catch (Exception e) when (e is OpenApiException or InvalidOperationException or FormatException or System.Text.Json.JsonException)
        {
            throw Invalid([e.Message]);
        }

        if (Depth(parsed) > MaxDocumentDepth)
        {
            throw Invalid([$"the document nests deeper than {MaxDocumentDepth} levels"]);
        }

        return parsed as JsonObject ?? throw Invalid(["the document is not an object"]);
    }

    /// <summary>The deepest nesting an imported document may have (a schema row wraps it in four more levels).</summary>
    private const int MaxDocumentDepth = StrictJson.MaxDepth - 8;

    private static int Depth(JsonNode? node) => node switch
    {
        JsonObject o => 1 + o.Select(p => Depth(p.Value)).DefaultIfEmpty(0).Max(),
        JsonArray a => 1 + a.Select(Depth).DefaultIfEmpty(0).Max(),
        _ => 0,
    };

    /// <summary>Writes an OpenAPI 3.0 JSON document in the asked version and syntax, through the same library.</summary>
    public static async Task<string> WriteAsync(JsonObject openApi3, OpenApiSpecVersion version, bool yaml, CancellationToken ct)
    {
        var settings = new OpenApiReaderSettings { LoadExternalRefs = false };
        var (document, _) = OpenApiDocument.Parse(openApi3.ToJsonString(), OpenApiConstants.Json, settings);
        if (document is null)
        {
            throw new InvalidOperationException("The exported document could not be read back.");
        }

        return yaml
            ? await document.SerializeAsYamlAsync(version, ct)
            : await document.SerializeAsJsonAsync(version, ct);
    }

    private static ArmException Invalid(List<string> problems)
    {
        var details = problems.Take(MaxListedProblems).Select(p => new ArmErrorDetail("ValidationError", p, "properties.value")).ToList();
        var more = problems.Count > MaxListedProblems ? $" (and {problems.Count - MaxListedProblems} more)" : "";
        return new ArmException(System.Net.HttpStatusCode.BadRequest, "ValidationError",
            $"The API specification could not be imported: {problems[0]}{more}", details);
    }
}
