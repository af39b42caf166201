using System.Text.Json.Nodes;
using OpenApim.Backup.Archive;
using OpenApim.Backup.Storage;

namespace OpenApim.Backup.Replication;

/// <summary>
/// Fencing: a stream's generations are create-once blobs (<c>generations/{n}.json</c>). Generation 1 is the primary that ships
/// the stream; a promote writes the next one, and a primary that sees a generation after its own stops appending.
/// </summary>
internal static class StreamGenerations
{
    public static async Task<long> HighestAsync(IBlobTarget target, StreamAddress stream, CancellationToken ct) =>
        (await target.ListAsync(stream.GenerationPrefix, ct)).Select(b => StreamAddress.ParseGeneration(b.Name, stream.GenerationPrefix)).Max() ?? 1;

    /// <summary>Writes the next generation for <paramref name="promotedBy"/>; returns its number.</summary>
    public static async Task<long> AdvanceAsync(IBlobTarget target, StreamAddress stream, string promotedBy, long position, DateTimeOffset now, CancellationToken ct)
    {
        for (var generation = await HighestAsync(target, stream, ct) + 1; ; generation++)
        {
            var content = System.Text.Encoding.UTF8.GetBytes(new JsonObject
            {
                ["generation"] = generation,
                ["promotedBy"] = promotedBy,
                ["journalPosition"] = position,
                ["at"] = Manifest.Time(now),
            }.ToJsonString());
            if (await target.CreateAsync(stream.Generation(generation), content, new Dictionary<string, string>(), ct))
            {
                return generation;
            }
        }
    }
}
