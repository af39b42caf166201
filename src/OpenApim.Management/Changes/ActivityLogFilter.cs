using System.Globalization;
using System.Text.RegularExpressions;
using OpenApim.Resources.Arm;

namespace OpenApim.Management.Changes;

/// <summary>
/// The activity log's <c>$filter</c> as <c>az monitor activity-log list</c> builds it: <c>eventTimestamp ge {t} and
/// eventTimestamp le {t}</c>, optionally <c>and resourceGroupName|resourceId|resourceProvider|caller|correlationId|status eq '{v}'</c>.
/// </summary>
internal sealed partial record ActivityLogFilter(DateTimeOffset Since, DateTimeOffset Until, IReadOnlyDictionary<string, string> Conditions)
{
    private static readonly string[] Fields = ["resourceGroupName", "resourceId", "resourceProvider", "resourceUri", "caller", "correlationId", "status"];

    public static ActivityLogFilter Parse(string? filter)
    {
        if (string.IsNullOrWhiteSpace(filter) || filter.Length > 2048)
        {
            throw Invalid("The activity log needs a $filter with 'eventTimestamp ge {start} and eventTimestamp le {end}' (at most 2,048 characters).");
        }

        DateTimeOffset? since = null, until = null;
        var equals = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var clause in AndSplit().Split(filter.Trim()))
        {
            var m = Clause().Match(clause.Trim());
            if (!m.Success)
            {
                throw Invalid($"'{clause.Trim()}' is not a condition this activity log understands.");
            }

            var (field, op, value) = (m.Groups["field"].Value, m.Groups["op"].Value.ToLowerInvariant(), m.Groups["value"].Value.Trim('\''));
            if (field.Equals("eventTimestamp", StringComparison.OrdinalIgnoreCase) && op is "ge" or "le")
            {
                var at = DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t)
                    ? t
                    : throw Invalid($"'{value}' is not a time.");
                if (op == "ge")
                {
                    since = at;
                }
                else
                {
                    until = at;
                }
            }
            else if (op == "eq" && Fields.FirstOrDefault(f => f.Equals(field, StringComparison.OrdinalIgnoreCase)) is { } known)
            {
                equals[known] = value;
            }
            else
            {
                throw Invalid($"Filtering on '{field} {op}' is not supported; use eventTimestamp ge/le and {string.Join(", ", Fields)} eq.");
            }
        }

        if (since is null || until is null)
        {
            throw Invalid("The $filter must bound eventTimestamp: 'eventTimestamp ge {start} and eventTimestamp le {end}'.");
        }

        if (until - since > TimeSpan.FromDays(90))
        {
            throw Invalid("The activity log covers at most 90 days per query.");
        }

        return new ActivityLogFilter(since.Value, until.Value, equals);
    }

    public string? Get(string field) => Conditions.GetValueOrDefault(field);

    private static ArmException Invalid(string message) => new(System.Net.HttpStatusCode.BadRequest, "InvalidFilter", message, target: "$filter");

    [GeneratedRegex(@"\s+and\s+", RegexOptions.IgnoreCase)]
    private static partial Regex AndSplit();

    [GeneratedRegex(@"^(?<field>[A-Za-z]+)\s+(?<op>ge|le|eq)\s+(?<value>'[^']*'|\S+)$", RegexOptions.IgnoreCase)]
    private static partial Regex Clause();
}
