using System.Text.RegularExpressions;

namespace OpenApim.Policies;

/// <summary>
/// Policy expressions (<c>@(...)</c>, <c>@{...}</c>) are C# in API Management. OpenApim does not run C#;
/// it recognises the handful of forms rate limiting and header policies need, and refuses every
/// other expression when the policy is saved, naming the line.
/// </summary>
public static partial class PolicyExpressions
{
    /// <summary>The recognised forms, for messages.</summary>
    public static readonly string[] Supported =
    [
        "@(context.Subscription.Id)", "@(context.Subscription.Key)", "@(context.Subscription.Name)", "@(context.User.Id)",
        "@(context.Request.IpAddress)", "@(context.Api.Id)", "@(context.Api.Name)", "@(context.Operation.Id)", "@(context.Product.Id)",
        "@(context.RequestId)", "@(context.Request.Headers.GetValueOrDefault(\"name\", \"default\"))",
    ];

    public static bool IsExpression(string value) => value.TrimStart().StartsWith("@(", StringComparison.Ordinal) || value.TrimStart().StartsWith("@{", StringComparison.Ordinal);

    /// <summary>Parses a recognised expression into what to read at run time; null when it is not one we support.</summary>
    public static ExpressionSource? Parse(string value)
    {
        var text = Normalize(value);
        var header = HeaderForm().Match(text);
        if (header.Success)
        {
            return new ExpressionSource("header", header.Groups["name"].Value, header.Groups["default"].Success ? header.Groups["default"].Value : "");
        }

        return text switch
        {
            "@(context.Subscription.Id)" or "@(context.Subscription.Name)" => new("subscription.id", null, ""),
            "@(context.Subscription.Key)" => new("subscription.key", null, ""),
            "@(context.User.Id)" => new("user.id", null, ""),
            "@(context.Request.IpAddress)" => new("request.ip", null, ""),
            "@(context.Api.Id)" or "@(context.Api.Name)" => new("api.id", null, ""),
            "@(context.Operation.Id)" => new("operation.id", null, ""),
            "@(context.Product.Id)" => new("product.id", null, ""),
            "@(context.RequestId)" or "@(context.RequestId.ToString())" => new("request.id", null, ""),
            _ => null,
        };
    }

    public static string Problem(string value, int line) =>
        $"Policy expressions are not supported yet (line {line}: '{(value.Length > 60 ? value[..60] + "..." : value)}'); the recognised forms are {string.Join(", ", Supported)}.";

    private static string Normalize(string value) => WhiteSpace().Replace(value.Trim(), "");

    [GeneratedRegex(@"\s+")]
    private static partial Regex WhiteSpace();

    [GeneratedRegex("""^@\(context\.Request\.Headers\.GetValueOrDefault\("(?<name>[^"]+)"(?:,"(?<default>[^"]*)")?\)\)$""")]
    private static partial Regex HeaderForm();
}
