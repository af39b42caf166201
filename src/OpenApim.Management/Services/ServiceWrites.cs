using System.Text.Json.Nodes;

namespace OpenApim.Management.Services;

/// <summary>What a PUT or PATCH of a service adds to the validated document: stable identity ids, and certificates carried over.</summary>
internal static class ServiceWrites
{
    /// <summary>Assigns identity ids (kept when already present) so a service's identity is stable.</summary>
    public static void AssignIdentity(JsonObject document, JsonObject? previous, string tenantId)
    {
        if (document["identity"] is not JsonObject identity)
        {
            return;
        }

        var type = identity["type"]!.GetValue<string>();
        if (type.Contains("SystemAssigned", StringComparison.Ordinal))
        {
            identity["principalId"] = previous?["identity"]?["principalId"]?.DeepClone() ?? Guid.NewGuid().ToString();
            identity["tenantId"] = tenantId;
        }
        else
        {
            identity.Remove("principalId");
            identity.Remove("tenantId");
        }

        if (identity["userAssignedIdentities"] is JsonObject assigned)
        {
            foreach (var (id, value) in assigned.ToList())
            {
                // A user-assigned identity is its own resource in Azure; here its ids derive from its ARM id unless given.
                var entry = value as JsonObject ?? [];
                entry["principalId"] ??= DeterministicGuid("principal:" + id.ToLowerInvariant()).ToString();
                entry["clientId"] ??= DeterministicGuid("client:" + id.ToLowerInvariant()).ToString();
                assigned[id] = entry.DeepClone();
            }
        }
    }

    /// <summary>
    /// Certificates are write-only: a PUT or PATCH that repeats a hostname or CA certificate without its
    /// blob keeps the stored one, so clients can round-trip what GET returned.
    /// </summary>
    public static void CarryCertificates(JsonObject document, JsonObject? previous)
    {
        Carry("hostnameConfigurations", "hostName");
        Carry("certificates", "storeName");

        void Carry(string array, string match)
        {
            if (document["properties"]?[array] is not JsonArray items || previous?["properties"]?[array] is not JsonArray old)
            {
                return;
            }

            foreach (var item in items.OfType<JsonObject>().Where(i => i["encodedCertificate"] is null))
            {
                var same = old.OfType<JsonObject>().FirstOrDefault(o =>
                    string.Equals(o[match]?.GetValue<string>(), item[match]?.GetValue<string>(), StringComparison.OrdinalIgnoreCase)
                    && (array != "certificates" || o["certificate"]?["thumbprint"]?.GetValue<string>() == item["certificate"]?["thumbprint"]?.GetValue<string>()));
                foreach (var key in new[] { "encodedCertificate", "certificatePassword", "certificate" })
                {
                    if (same?[key] is { } value)
                    {
                        item[key] = value.DeepClone();
                    }
                }
            }
        }
    }

    private static Guid DeterministicGuid(string seed)
    {
        var hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(seed));
        hash[7] = (byte)((hash[7] & 0x0F) | 0x50);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash.AsSpan(0, 16));
    }
}
