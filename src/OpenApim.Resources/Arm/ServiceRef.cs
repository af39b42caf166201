using System.Text.RegularExpressions;

namespace OpenApim.Resources.Arm;

/// <summary>
/// Addresses one API Management service: subscription, resource group and name. ARM ids are
/// case-insensitive, so <see cref="Key"/> (lower case) is what the store indexes; <see cref="Id"/>
/// keeps the caller's casing for display.
/// </summary>
public sealed partial record ServiceRef(string SubscriptionId, string ResourceGroup, string Name)
{
    public const string ResourceType = "Microsoft.ApiManagement/service";

    public string Id => $"/subscriptions/{SubscriptionId}/resourceGroups/{ResourceGroup}/providers/Microsoft.ApiManagement/service/{Name}";

    public string Key => Id.ToLowerInvariant();


    /// <summary>Services compare by <see cref="Key"/>: ARM ids are case-insensitive.</summary>
    public bool Equals(ServiceRef? other) => other is not null && string.Equals(Key, other.Key, StringComparison.Ordinal);

    public override int GetHashCode() => Key.GetHashCode(StringComparison.Ordinal);

    public override string ToString() => Id;


    /// <summary>Validates the path parts the way ARM and the spec do; throws a 400 ARM error otherwise.</summary>
    public static ServiceRef Parse(string subscriptionId, string resourceGroup, string name)
    {
        ValidateSubscription(subscriptionId);
        ValidateResourceGroup(resourceGroup);
        var problems = ServiceNameProblems(name);
        if (problems is not null)
        {
            throw ArmErrors.Validation("name", problems);
        }

        return new ServiceRef(subscriptionId, resourceGroup, name);
    }

    /// <summary>Reads a service id (<c>/subscriptions/{s}/resourceGroups/{rg}/providers/Microsoft.ApiManagement/service/{name}</c>).</summary>
    public static ServiceRef FromId(string id)
    {
        var parts = id.Split('/');
        return parts.Length == 9 && parts[1].Equals("subscriptions", StringComparison.OrdinalIgnoreCase)
            ? new ServiceRef(parts[2], parts[4], parts[8])
            : throw new FormatException($"'{id}' is not an API Management service id.");
    }

    public static void ValidateSubscription(string subscriptionId)
    {
        if (!Guid.TryParseExact(subscriptionId, "D", out _))
        {
            throw ArmErrors.InvalidSubscriptionId(subscriptionId);
        }
    }

    public static void ValidateResourceGroup(string resourceGroup)
    {
        if (resourceGroup.Length is 0 or > 90 || !ResourceGroupPattern().IsMatch(resourceGroup))
        {
            throw ArmErrors.Validation("resourceGroupName",
                $"Resource group name '{resourceGroup}' is invalid: 1-90 characters of letters, digits, '_', '-', '.', '(' and ')', not ending in '.'.");
        }
    }

    /// <summary>Returns why <paramref name="name"/> is not a valid service name, or null when it is.</summary>
    public static string? ServiceNameProblems(string name)
    {
        if (name.Length is 0 or > 50)
        {
            return $"The service name '{Truncate(name)}' must be 1 to 50 characters long.";
        }

        return ServiceNamePattern().IsMatch(name)
            ? null
            : $"The service name '{name}' is invalid: it must start with a letter, contain only letters, digits and hyphens, and end with a letter or digit.";
    }

    private static string Truncate(string s) => s.Length > 60 ? s[..60] + "..." : s;

    [GeneratedRegex("^[a-zA-Z](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?$")]
    private static partial Regex ServiceNamePattern();

    [GeneratedRegex(@"^[-\w\._\(\)]*[-\w_\(\)]$")]
    private static partial Regex ResourceGroupPattern();
}
