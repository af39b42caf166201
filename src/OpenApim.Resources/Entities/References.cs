using System.Text.Json.Nodes;
using OpenApim.Resources.Arm;
using OpenApim.Resources.Kinds;
using OpenApim.Resources.Kinds.Schema;
using OpenApim.Resources.Model;

namespace OpenApim.Resources.Entities;

/// <summary>
/// Reference properties (<c>ownerId</c>, <c>scope</c>, <c>loggerId</c>, ...): checked to exist,
/// stored relative to the service (<c>/users/{id}</c>) so backups restore into another service,
/// and rendered as full ARM ids of the service they belong to.
/// </summary>
public static class References
{
    public static async Task NormalizeAsync(EntityAddress address, JsonObject properties, IReadOnlyList<Prop> props, IResourceWriter store, List<ArmErrorDetail> problems, CancellationToken ct)
    {
        foreach (var prop in props.Where(p => p.RefKinds is not null))
        {
            if (properties[prop.Name] is not JsonValue v || !v.TryGetValue<string>(out var raw))
            {
                continue;
            }

            var target = $"properties.{prop.Name}";
            var relative = ToRelative(address.Service, raw);
            if (relative is null)
            {
                problems.Add(new("ValidationError", $"'{prop.Name}' must reference an entity of service '{address.Service.Name}', not '{raw}'.", target));
                continue;
            }

            var segments = relative.Trim('/').Split('/');
            if (segments.Length == 1 && prop.RefCollections?.FirstOrDefault(c => c.Equals(segments[0], StringComparison.OrdinalIgnoreCase)) is { } collection)
            {
                properties[prop.Name] = "/" + collection;
                continue;
            }

            // A bare name is accepted when only one kind can be meant.
            if (segments.Length == 1 && prop.RefKinds!.Count == 1 && segments[0].Length > 0)
            {
                segments = [prop.RefKinds[0], segments[0]];
            }

            var kind = segments.Length == 2 ? prop.RefKinds!.FirstOrDefault(k => k.Equals(segments[0], StringComparison.OrdinalIgnoreCase)) : null;
            if (kind is null)
            {
                var allowed = prop.RefKinds!.Select(k => $"/{k}/{{id}}").Concat(prop.RefCollections?.Select(c => "/" + c) ?? []);
                problems.Add(new("ValidationError", $"'{prop.Name}' value '{raw}' must have the form {string.Join(" or ", allowed)}.", target));
                continue;
            }

            var referenced = await store.GetAsync(address.Sibling(KindCatalog.Get(kind), segments[1]), ct);
            if (referenced is null)
            {
                problems.Add(new("ValidationError", $"'{prop.Name}' refers to '{kind}/{segments[1]}', which does not exist.", target));
                continue;
            }

            properties[prop.Name] = $"/{kind}/{referenced.Name}";
        }
    }

    /// <summary>Strips this service's id prefix; null when the value points into another service.</summary>
    public static string? ToRelative(ServiceRef service, string value)
    {
        if (value.StartsWith(service.Id + "/", StringComparison.OrdinalIgnoreCase))
        {
            return value[service.Id.Length..];
        }

        if (value.StartsWith("/subscriptions/", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        return value.StartsWith('/') ? value : "/" + value;
    }

    public static void Expand(ServiceRef service, JsonObject properties, IReadOnlyList<Prop> props)
    {
        foreach (var prop in props.Where(p => p.RefKinds is not null))
        {
            if (properties[prop.Name] is JsonValue v && v.TryGetValue<string>(out var s) && s.StartsWith('/') && !s.StartsWith("/subscriptions/", StringComparison.OrdinalIgnoreCase))
            {
                properties[prop.Name] = service.Id + s;
            }
        }
    }
}
