using OpenApim.Resources.Model;

namespace OpenApim.Management.Entities;

/// <summary><c>apis/{id}/revisions</c>: the read-only list of an API's revisions.</summary>
internal sealed record RevisionsPath(EntityAddress Api) : EntityPath;
