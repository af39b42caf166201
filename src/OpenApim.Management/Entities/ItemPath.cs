using OpenApim.Resources.Model;

namespace OpenApim.Management.Entities;

internal sealed record ItemPath(EntityAddress Entity) : EntityPath;
