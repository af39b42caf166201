namespace OpenApim.Server.Tools;

/// <summary>Sizes of a generated service. The defaults are the reference service of the benchmarks.</summary>
internal sealed record ReferenceSize(int Apis = 1000, int OperationsPerApi = 20, int Users = 100_000, int Subscriptions = 200_000, int Products = 100, int NamedValues = 5000)
{
    public static ReferenceSize Scaled(double factor) => new(
        Math.Max(1, (int)(1000 * factor)), 20, Math.Max(1, (int)(100_000 * factor)), Math.Max(1, (int)(200_000 * factor)),
        Math.Max(1, (int)(100 * factor)), Math.Max(1, (int)(5000 * factor)));
}
