using OpenApim.Resources.Model;

namespace OpenApim.Management.Entities;

internal sealed record CollectionPath(CollectionAddress Collection) : EntityPath;
