using OpenApim.Resources.Arm;
using OpenApim.Resources.Kinds;
using OpenApim.Resources.Model;

namespace OpenApim.Management.Entities;

/// <summary>What a path below a service addresses: a collection, an entity, or a POST action on an entity.</summary>
internal abstract record EntityPath
{
    /// <summary>
    /// Walks the segments after <c>service/{name}/</c> through the kind catalogue:
    /// <c>apis</c> → collection, <c>apis/echo</c> → entity, <c>subscriptions/s1/listSecrets</c> → action.
    /// </summary>
    public static EntityPath Parse(ServiceRef service, string path, string apiVersion)
    {
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        ResourceKind? kind = null;
        var names = new List<string>();
        for (var i = 0; i < segments.Length; i += 2)
        {
            var child = KindCatalog.Child(kind, segments[i]);
            if (child is null)
            {
                if (kind is not null && i == segments.Length - 1)
                {
                    var entity = new EntityAddress(service, kind, names.ToArray());
                    if (kind.Actions.TryGetValue(segments[i], out var action))
                    {
                        return new ActionPath(entity, action);
                    }

                    if (View.Find(kind, segments[i]) is { } view)
                    {
                        return new ViewPath(entity, view);
                    }

                    if (kind == KindCatalog.Apis && segments[i].Equals("revisions", StringComparison.OrdinalIgnoreCase))
                    {
                        return new RevisionsPath(entity);
                    }
                }

                var typed = string.Join('/', segments.Where((_, index) => index % 2 == 0).Take(i / 2 + 1));
                throw ArmErrors.InvalidResourceType($"{ServiceRef.ResourceType}/{typed}", apiVersion);
            }

            kind = child;
            if (i + 1 == segments.Length)
            {
                var parent = kind.Parent is { } parentKind ? new EntityAddress(service, parentKind, names.ToArray()) : null;
                return new CollectionPath(new CollectionAddress(service, kind, parent));
            }

            // The path was decoded once by the server; a name is never decoded again (that is how "%252F" became '/').
            var name = segments[i + 1];
            if (NameRule.Unsafe(name) is { } problem)
            {
                throw ArmErrors.Validation("name", problem);
            }

            names.Add(name);
        }

        return new ItemPath(new EntityAddress(service, kind!, names.ToArray()));
    }
}
