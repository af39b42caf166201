using OpenApim.Resources.Kinds;
using OpenApim.Resources.Model;

namespace OpenApim.Management.Revisions;

/// <summary>What hangs below an API (operations and their policies and tags, schemas, policies, ...), read and re-rooted.</summary>
internal static class ApiTrees
{
    /// <summary>Every row below <paramref name="root"/>, parents before children, leaving out the subtrees of <paramref name="skipped"/> kinds.</summary>
    public static async Task<List<StoredResource>> DescendantsAsync(IResourceWriter tx, EntityAddress root, IReadOnlySet<ResourceKind> skipped, CancellationToken ct)
    {
        var rows = new List<StoredResource>();
        var pending = new Queue<EntityAddress>([root]);
        while (pending.TryDequeue(out var container))
        {
            foreach (var kind in KindCatalog.Children(container.Kind).Where(k => !skipped.Contains(k)))
            {
                var page = await tx.ListAsync(ListQuery.Children(new CollectionAddress(container.Service, kind, container)) with { Top = int.MaxValue }, ct);
                foreach (var row in page.Items)
                {
                    rows.Add(row);
                    pending.Enqueue(row.Address);
                }
            }
        }

        return rows;
    }

    /// <summary>Writes copies of <paramref name="rows"/> (from below <paramref name="from"/>) below <paramref name="to"/>.</summary>
    public static async Task WriteBelowAsync(IResourceWriter tx, IEnumerable<StoredResource> rows, EntityAddress from, EntityAddress to, CancellationToken ct)
    {
        foreach (var row in rows)
        {
            var names = row.Address.Names.ToArray();
            names[from.Names.Count - 1] = to.Name;
            await tx.PutAsync(new ResourceRow(new EntityAddress(to.Service, row.Kind, names), row.Body.DeepClone().AsObject()), null, ct);
        }
    }
}
