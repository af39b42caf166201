using System.Buffers.Binary;

namespace OpenApim.Resources.Arm;

/// <summary>
/// ETags are the store's change sequence number, shown as base64 of 8 big-endian bytes like
/// Azure's (<c>"AAAAAAACXok="</c>). They are opaque to clients; headers carry them quoted.
/// </summary>
public static class ETag
{
    public static string FromVersion(long version)
    {
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(bytes, version);
        return Convert.ToBase64String(bytes);
    }

    public static string Quote(string etag) => $"\"{etag}\"";

    /// <summary>Strips quotes and a weak prefix from an If-Match value.</summary>
    public static string Unquote(string value)
    {
        var v = value.Trim();
        if (v.StartsWith("W/", StringComparison.Ordinal))
        {
            v = v[2..];
        }

        return v.Trim('"');
    }

    /// <summary>
    /// Applies If-Match (the current ETag must match; a missing resource never does) and
    /// <c>If-None-Match: *</c> (the resource must not exist) to a write of <paramref name="name"/>.
    /// </summary>
    public static void CheckConditions(string name, string? currentETag, string? ifMatch, string? ifNoneMatch)
    {
        if (!string.IsNullOrWhiteSpace(ifMatch) && (currentETag is null || !Matches(ifMatch, currentETag)))
        {
            throw ArmErrors.PreconditionFailed();
        }

        if (ifNoneMatch?.Trim() == "*" && currentETag is not null)
        {
            throw ArmErrors.AlreadyExists(name);
        }
    }

    /// <summary>True when an If-Match header value (possibly a list) matches <paramref name="current"/>.</summary>
    public static bool Matches(string ifMatch, string current) =>
        ifMatch.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Any(v => v == "*" || Unquote(v) == current);
}
