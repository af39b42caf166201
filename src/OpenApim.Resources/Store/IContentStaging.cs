using OpenApim.Resources.Arm;
using OpenApim.Resources.Model;

namespace OpenApim.Resources.Store;

/// <summary>
/// Offers the rows of a service's bulk replace (a restore) to a component that keeps its own copy of the service (the
/// gateway), so that it can build that copy from them while they are written instead of reading them all back after the
/// commit. The store stays the truth: a stage that is not committed, or whose version is not the one the journal
/// records, is never used.
/// </summary>
public interface IContentStaging
{
    /// <summary>A stage for a replace of <paramref name="replacedKinds"/> of <paramref name="service"/>; null when nobody wants the rows.</summary>
    IContentStage? Begin(ServiceRef service, IReadOnlyCollection<ResourceKind> replacedKinds);
}

/// <summary>The rows of one replace as they are written. Disposing it without <see cref="Committed"/> abandons it.</summary>
public interface IContentStage : IDisposable
{
    /// <summary>Rows that will be written (called from several threads at once, each batch once).</summary>
    void Add(IReadOnlyList<RawResource> rows);

    /// <summary>Every row was added and the replace committed as <paramref name="version"/> (the restore's journal record carries it).</summary>
    void Committed(long version);
}
