using OpenApim.Resources.Model;

namespace OpenApim.Management.Entities;

internal sealed record ViewPath(EntityAddress Entity, View View) : EntityPath;
