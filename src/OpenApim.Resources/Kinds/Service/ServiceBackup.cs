using System.Text.Json.Nodes;
using OpenApim.Resources.Arm;
using OpenApim.Resources.Kinds.Schema;

namespace OpenApim.Resources.Kinds.Service;

/// <summary>
/// What a backup keeps of the service resource itself (<c>service.json</c>) and how a restore applies it: the
/// publisher settings are restored; the name, location, SKU, hostnames, certificates, VNet, identity, protocol and
/// cipher settings of the target stay as they are. (The source's id, location and SKU are in the manifest, so
/// <c>service.json</c> is the same whichever service the content came from.)
/// </summary>
public static class ServiceBackup
{
    /// <summary>The properties a backup carries and a restore writes into the target.</summary>
    public static readonly IReadOnlyList<string> RestoredProperties = ["publisherEmail", "publisherName", "notificationSenderEmail"];

    private static readonly IReadOnlyList<Prop> RestoredSchema = [.. ServiceKind.Properties.Where(p => RestoredProperties.Contains(p.Name))];

    public static JsonObject ForArchive(JsonObject stored)
    {
        var properties = new JsonObject();
        foreach (var name in RestoredProperties)
        {
            if (stored["properties"]?[name] is { } value)
            {
                properties[name] = value.DeepClone();
            }
        }

        return new JsonObject { ["properties"] = properties };
    }

    /// <summary>
    /// Every problem of an archived <c>service.json</c>, by the same rules the API applies to these properties
    /// (a restore must not write what a PUT would refuse).
    /// </summary>
    public static List<ArmErrorDetail> Validate(JsonObject archived)
    {
        if (archived["properties"] is not JsonObject properties)
        {
            return [new("ValidationError", "service.json has no 'properties' object.", "service.json")];
        }

        var copy = (JsonObject)properties.DeepClone();
        foreach (var unknown in copy.Select(kv => kv.Key).Where(k => !RestoredProperties.Contains(k, StringComparer.OrdinalIgnoreCase)).ToList())
        {
            copy.Remove(unknown);
        }

        return SchemaValidator.Normalize(copy, RestoredSchema, "service.json.properties");
    }

    /// <summary>The target's document with the archive's publisher settings applied.</summary>
    public static JsonObject Apply(JsonObject target, JsonObject archived)
    {
        var result = (JsonObject)target.DeepClone();
        var properties = result["properties"] as JsonObject ?? [];
        foreach (var name in RestoredProperties)
        {
            if (archived["properties"]?[name] is { } value)
            {
                properties[name] = value.DeepClone();
            }
        }

        result["properties"] = properties;
        return result;
    }
}
