using System.Globalization;
using System.Text.Json.Nodes;

namespace OpenApim.OperatorConsole.Arm;

/// <summary>
/// The recovery-point objective a team sets for a service, kept as an ARM tag on the service (so scripts and
/// <c>az resource tag</c> see and set it too); 24 hours when unset.
/// </summary>
public static class RecoveryTarget
{
    public const string Tag = "openapim-rpo-target-minutes";

    public static readonly TimeSpan Default = TimeSpan.FromHours(24);

    public static TimeSpan Of(JsonNode? service) =>
        service?["tags"]?[Tag] is JsonValue value && value.TryGetValue<string>(out var text) && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var minutes) && minutes > 0
            ? TimeSpan.FromMinutes(minutes)
            : Default;
}
