using System.Globalization;

namespace OpenApim.OperatorConsole.Components.Parts;

/// <summary>How the console writes times, ages and counts.</summary>
public static class Format
{
    public static string Age(TimeSpan? age) => age switch
    {
        null => "never",
        { TotalSeconds: < 1 } => "now",
        { TotalSeconds: < 120 } a => $"{a.TotalSeconds:0} s",
        { TotalMinutes: < 120 } a => $"{a.TotalMinutes:0} min",
        { TotalHours: < 48 } a => $"{a.TotalHours:0.#} h",
        var a => $"{a.Value.TotalDays:0.#} days",
    };

    public static string Time(DateTimeOffset? at) => at is { } t ? t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture) : "—";

    public static string Count(long? count) => count is { } c ? c.ToString("N0", CultureInfo.InvariantCulture) : "—";

    public static string Seconds(double? seconds) => seconds is { } s ? s.ToString("0.###", CultureInfo.InvariantCulture) + " s" : "—";
}
