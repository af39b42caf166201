using OpenApim.Resources.Model;

namespace OpenApim.Management.Entities;

/// <summary>An entity; <paramref name="ViaCurrentRevision"/> when it was addressed as <c>apis/{id};rev={n}</c> of the current revision.</summary>
internal sealed record ItemPath(EntityAddress Entity, bool ViaCurrentRevision = false) : EntityPath;
