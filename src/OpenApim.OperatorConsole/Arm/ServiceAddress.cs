using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace OpenApim.OperatorConsole.Arm;

/// <summary>
/// An API Management service by subscription, resource group and name: its ARM id and its page in the console. Parsed
/// from either, and only when every part is a plain ARM name, so no route value or form field becomes another path.
/// </summary>
public sealed partial record ServiceAddress(string Subscription, string ResourceGroup, string Name)
{
    public string Id => $"/subscriptions/{Subscription}/resourceGroups/{ResourceGroup}/providers/Microsoft.ApiManagement/service/{Name}";

    public string Page => $"/console/services/{Subscription}/{ResourceGroup}/{Name}";

    public string Key => $"{Subscription}/{ResourceGroup}/{Name}".ToLowerInvariant();

    public static bool TryCreate(string? subscription, string? group, string? name, [NotNullWhen(true)] out ServiceAddress? address)
    {
        address = Guid.TryParse(subscription, out _) && group is not null && Group().IsMatch(group) && group.Trim('.').Length > 0 && !group.EndsWith('.')
            && name is not null && Service().IsMatch(name)
            ? new ServiceAddress(subscription!.ToLowerInvariant(), group, name)
            : null;
        return address is not null;
    }

    /// <summary>The address in an ARM id (<c>/subscriptions/{s}/resourceGroups/{g}/providers/Microsoft.ApiManagement/service/{n}</c>, case-insensitive).</summary>
    public static bool TryParseId(string? id, [NotNullWhen(true)] out ServiceAddress? address)
    {
        address = null;
        var m = id is null ? null : IdPattern().Match(id);
        return m is { Success: true } && TryCreate(m.Groups[1].Value, m.Groups[2].Value, m.Groups[3].Value, out address);
    }

    [GeneratedRegex(@"^[-\w\._\(\)]{1,90}$")]
    private static partial Regex Group();

    [GeneratedRegex("^[a-zA-Z](?:[a-zA-Z0-9-]{0,48}[a-zA-Z0-9])?$")]
    private static partial Regex Service();

    [GeneratedRegex(@"^/subscriptions/([^/]+)/resourceGroups/([^/]+)/providers/Microsoft\.ApiManagement/service/([^/]+)$", RegexOptions.IgnoreCase)]
    private static partial Regex IdPattern();
}
