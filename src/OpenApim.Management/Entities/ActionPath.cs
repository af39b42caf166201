using OpenApim.Resources.Model;

namespace OpenApim.Management.Entities;

internal sealed record ActionPath(EntityAddress Entity, KindAction Action) : EntityPath;
