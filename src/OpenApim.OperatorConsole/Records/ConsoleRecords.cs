using System.Text.Json;
using System.Text.Json.Nodes;
using OpenApim.Resources.Store;

namespace OpenApim.OperatorConsole.Records;

/// <summary>
/// The console's own memory, in the directory table beside app registrations: the newest verification per service and
/// the drills run from the console with their reports (the newest 200). They describe what was proven and when; they
/// grant nothing, and a page shows them only for services the user can read through ARM.
/// </summary>
public sealed class ConsoleRecords(IDirectoryStore store)
{
    private const string VerificationKind = "consoleVerification";
    private const string DrillKind = "consoleDrill";
    private const int KeptDrills = 200;
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public Task SaveAsync(Verification verification, CancellationToken ct) =>
        store.PutAsync(new DirectoryEntry(VerificationKind, verification.ServiceId.ToLowerInvariant(), null, JsonSerializer.SerializeToNode(verification, Json)!.AsObject()), ct);

    public async Task<IReadOnlyDictionary<string, Verification>> VerificationsAsync(CancellationToken ct) =>
        (await store.ListAsync(VerificationKind, ct)).Select(e => e.Body.Deserialize<Verification>(Json)!).ToDictionary(v => v.ServiceId, StringComparer.OrdinalIgnoreCase);

    public async Task SaveAsync(DrillSummary drill, JsonObject report, CancellationToken ct)
    {
        var body = JsonSerializer.SerializeToNode(drill, Json)!.AsObject();
        body["report"] = report.DeepClone();
        await store.PutAsync(new DirectoryEntry(DrillKind, drill.Id.ToLowerInvariant(), null, body), ct);
        var all = await DrillsAsync(ct);
        foreach (var old in all.Skip(KeptDrills))
        {
            await store.DeleteAsync(DrillKind, old.Id.ToLowerInvariant(), ct);
        }
    }

    /// <summary>Every kept drill, newest first.</summary>
    public async Task<IReadOnlyList<DrillSummary>> DrillsAsync(CancellationToken ct) =>
        [.. (await store.ListAsync(DrillKind, ct)).Select(e => e.Body.Deserialize<DrillSummary>(Json)!).OrderByDescending(d => d.StartedAt)];

    public async Task<(DrillSummary Drill, JsonObject? Report)?> DrillAsync(string id, CancellationToken ct) =>
        id.Length <= 64 && await store.GetAsync(DrillKind, id.ToLowerInvariant(), ct) is { } e
            ? (e.Body.Deserialize<DrillSummary>(Json)!, e.Body["report"] as JsonObject)
            : null;
}
