namespace OpenApim.Resources.Model;

/// <summary>
/// A row's path and relative id with some of its properties as text (null when absent); <see cref="HasProperties"/> is false
/// when the stored row has no <c>properties</c> object at all (a damaged row).
/// </summary>
public sealed record ProjectedRow(string Path, string RelativeId, bool HasProperties, IReadOnlyList<string?> Values);
