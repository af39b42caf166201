namespace OpenApim.Resources.Store.Journal;

/// <summary>
/// Who makes the changes of the current request: the caller's object and application ids, client address and request
/// id. Set once per request (<see cref="Use"/>); every journal record written on that flow carries it.
/// </summary>
public sealed record ChangeActor(string? ObjectId, string? AppId, string? ClientAddress, string? RequestId)
{
    private static readonly AsyncLocal<ChangeActor?> Ambient = new();

    /// <summary>The actor of the current flow; null in background work that no request started (the retention purger).</summary>
    public static ChangeActor? Current => Ambient.Value;

    /// <summary>Makes <paramref name="actor"/> current until the returned scope is disposed.</summary>
    public static IDisposable Use(ChangeActor? actor)
    {
        var previous = Ambient.Value;
        Ambient.Value = actor;
        return new Scope(previous);
    }

    private sealed class Scope(ChangeActor? previous) : IDisposable
    {
        public void Dispose() => Ambient.Value = previous;
    }
}
