namespace OpenApim.Resources.Arm;

/// <summary>
/// The <c>api-version</c> values the management API accepts, and the behaviour differences between
/// them that clients notice. Versions compare by their date part; previews sort with their date.
/// </summary>
public static class ApiVersions
{
    /// <summary>Newest stable first: Azure.ResourceManager's generic client takes the first entry of the provider list.</summary>
    public static readonly IReadOnlyList<string> Supported =
    [
        "2024-05-01", "2024-06-01-preview", "2023-09-01-preview", "2023-05-01-preview", "2023-03-01-preview",
        "2022-09-01-preview", "2022-08-01", "2022-04-01-preview", "2021-12-01-preview", "2021-08-01",
        "2021-04-01-preview", "2021-01-01-preview", "2020-12-01", "2020-06-01-preview", "2019-12-01",
    ];

    public const string Latest = "2024-05-01";

    /// <summary>First version whose backup/restore body has <c>accessType</c>/<c>clientId</c> and an optional <c>accessKey</c>.</summary>
    public const string ManagedIdentityBackup = "2021-04-01-preview";

    /// <summary>First version whose entity PATCH answers 200 with the entity (older ones answer 204 without a body).</summary>
    public const string PatchReturnsBody = "2020-12-01";

    /// <summary>True when <paramref name="version"/> is the same as or newer than <paramref name="threshold"/>.</summary>
    public static bool AtLeast(string version, string threshold) =>
        string.CompareOrdinal(DatePart(version), DatePart(threshold)) >= 0
        && !(DatePart(version) == DatePart(threshold) && IsPreview(version) && !IsPreview(threshold));

    private static string DatePart(string version) => version.Length >= 10 ? version[..10] : version;

    private static bool IsPreview(string version) => version.EndsWith("-preview", StringComparison.OrdinalIgnoreCase);
}
