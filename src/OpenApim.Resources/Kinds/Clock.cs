using System.Globalization;

namespace OpenApim.Resources.Kinds;

/// <summary>Timestamps the kinds write into properties (<c>createdDate</c>, <c>registrationDate</c>), in API Management's format.</summary>
internal static class Clock
{
    public static string Now(TimeProvider time) => time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
