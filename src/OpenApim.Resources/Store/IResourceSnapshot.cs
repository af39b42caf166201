using OpenApim.Resources.Model;

namespace OpenApim.Resources.Store;

/// <summary>A consistent, read-only view of one service, held open until disposed.</summary>
public interface IResourceSnapshot : IAsyncDisposable
{
    /// <summary>The service epoch the snapshot captured.</summary>
    long Epoch { get; }

    /// <summary>The journal sequence the snapshot holds every change up to (and none after): where a base's records continue.</summary>
    long JournalPosition { get; }

    DateTimeOffset TakenAt { get; }

    /// <summary>Streams every row of the service (the service row included), ordered by kind, parent and path; rows of kinds this build does not know are left out.</summary>
    IAsyncEnumerable<RawResource> ReadAllAsync(CancellationToken ct);
}
