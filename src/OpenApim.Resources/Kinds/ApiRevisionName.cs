using System.Globalization;

namespace OpenApim.Resources.Kinds;

/// <summary>An API name as ARM addresses revisions: <c>echo</c> (the current revision) or <c>echo;rev=3</c>.</summary>
public readonly record struct ApiRevisionName(string Api, string? Revision)
{
    private const string Marker = ";rev=";

    public bool IsRevision => Revision is not null;

    public static ApiRevisionName Parse(string name)
    {
        var at = name.IndexOf(Marker, StringComparison.OrdinalIgnoreCase);
        return at < 0 ? new ApiRevisionName(name, null) : new ApiRevisionName(name[..at], name[(at + Marker.Length)..]);
    }

    /// <summary>True when both names address revisions of one API (case-insensitive, as names are).</summary>
    public static bool SameApi(string a, string b) => Parse(a).Api.Equals(Parse(b).Api, StringComparison.OrdinalIgnoreCase);

    /// <summary>A revision is a positive integer without leading zeros, as Azure numbers them.</summary>
    public static bool IsValidRevision(string revision) =>
        revision.Length is > 0 and <= 9 && int.TryParse(revision, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0
        && revision == n.ToString(CultureInfo.InvariantCulture);

    public static string Of(string api, string revision) => $"{api}{Marker}{revision}";
}
