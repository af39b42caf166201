using OpenApim.Resources.Arm;

namespace OpenApim.Resources.Model;

/// <summary>A collection of entities of one kind below a parent entity (or the service).</summary>
public sealed record CollectionAddress(ServiceRef Service, ResourceKind Kind, EntityAddress? Parent)
{
    /// <summary>What holds the collection's rows: the parent entity, or the service.</summary>
    public EntityAddress Container => Parent ?? EntityAddress.ForService(Service);

    public EntityAddress Item(string name) => new(Service, Kind, [.. Parent?.Names ?? [], name]);
}
