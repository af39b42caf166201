using System.Text.Json.Nodes;

namespace OpenApim.Backup.Jobs;

/// <summary>
/// What a backup keeps of the service resource itself (<c>service.json</c>) and how a restore applies it:
/// the publisher settings are restored; the name, location, SKU, hostnames, certificates, VNet,
/// identity, protocol and cipher settings of the target stay as they are. (The source's id, location and
/// SKU are in the manifest, so <c>service.json</c> is the same whichever service the content came from.)
/// </summary>
internal static class ServiceDocument
{
    public static readonly string[] RestoredProperties = ["publisherEmail", "publisherName", "notificationSenderEmail"];

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

    public static string Sku(JsonObject document) => document["sku"]?["name"]?.GetValue<string>() ?? "";
}
