using System.Globalization;
using System.Text.RegularExpressions;
using OpenApim.Resources.Arm;

namespace OpenApim.Management.Reports;

/// <summary>
/// The reports <c>$filter</c>: a time range (<c>timestamp ge datetime'…' and timestamp le datetime'…'</c>, required)
/// and optional equality on <c>apiId</c>, <c>operationId</c>, <c>productId</c>, <c>subscriptionId</c>, <c>userId</c>.
/// </summary>
internal sealed partial record ReportFilter(DateTimeOffset From, DateTimeOffset To, IReadOnlyDictionary<string, string> Dimensions)
{
    private static readonly string[] Fields = ["apiId", "operationId", "productId", "subscriptionId", "userId"];

    public static ReportFilter Parse(string? filter)
    {
        DateTimeOffset? from = null, to = null;
        var equals = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var clause in (filter ?? "").Split(" and ", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var m = Clause().Match(clause);
            if (!m.Success)
            {
                throw Invalid(filter, $"'{clause}' is not 'field op value'");
            }

            var (field, op, value) = (m.Groups["field"].Value, m.Groups["op"].Value.ToLowerInvariant(), m.Groups["value"].Value);
            if (field.Equals("timestamp", StringComparison.OrdinalIgnoreCase))
            {
                if (!DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t))
                {
                    throw Invalid(filter, $"'{value}' is not a date-time");
                }

                switch (op)
                {
                    case "ge" or "gt":
                        from = t;
                        break;
                    case "le" or "lt":
                        to = t;
                        break;
                    default:
                        throw Invalid(filter, "timestamp takes ge, gt, le or lt");
                }
            }
            else if (Fields.FirstOrDefault(d => d.Equals(field, StringComparison.OrdinalIgnoreCase)) is { } dimension && op == "eq")
            {
                equals[dimension] = value[(value.LastIndexOf('/') + 1)..];
            }
            else
            {
                throw Invalid(filter, $"'{field} {op}' is not supported (timestamp ge/le and eq on {string.Join(", ", Fields)})");
            }
        }

        return from is null || to is null
            ? throw Invalid(filter, "a time range is required: timestamp ge datetime'...' and timestamp le datetime'...'")
            : new ReportFilter(from.Value, to.Value, equals);
    }

    private static ArmException Invalid(string? filter, string why) => ArmErrors.Validation("$filter", $"Invalid report $filter '{filter}': {why}.");

    [GeneratedRegex(@"^(?<field>\w+)\s+(?<op>eq|ge|gt|le|lt)\s+(?:datetime)?'(?<value>[^']*)'$", RegexOptions.IgnoreCase)]
    private static partial Regex Clause();
}
