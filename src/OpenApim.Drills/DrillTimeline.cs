using System.Text.Json.Nodes;

namespace OpenApim.Drills;

/// <summary>The drill's steps with their start and duration; <see cref="Changed"/> tells a watcher (a terminal, a live page) as they happen.</summary>
public sealed class DrillTimeline(TimeProvider time)
{
    private readonly long _started = time.GetTimestamp();
    private readonly List<DrillStep> _steps = [];
    private readonly Lock _gate = new();

    public DateTimeOffset Started { get; } = time.GetUtcNow();

    public TimeSpan Elapsed => time.GetElapsedTime(_started);

    /// <summary>Raised with a step when it starts and when it ends, and with a note (as a step named "  note").</summary>
    public event Action<DrillStep>? Changed;

    public IReadOnlyList<DrillStep> Steps
    {
        get
        {
            lock (_gate)
            {
                return [.. _steps];
            }
        }
    }

    public async Task<T> StepAsync<T>(string name, Func<Task<T>> work)
    {
        var start = Math.Round(Elapsed.TotalSeconds, 3);
        var index = Record(new DrillStep(name, start, null, "running"), -1);
        try
        {
            var result = await work();
            Record(new DrillStep(name, start, Math.Round(Elapsed.TotalSeconds - start, 3), "done"), index);
            return result;
        }
        catch
        {
            Record(new DrillStep(name, start, Math.Round(Elapsed.TotalSeconds - start, 3), "failed"), index);
            throw;
        }
    }

    public void Note(string note) => Changed?.Invoke(new DrillStep("  " + note, Math.Round(Elapsed.TotalSeconds, 3), null, "note"));

    public JsonArray ToJson() => [.. Steps.Select(s => (JsonNode)new JsonObject { ["step"] = s.Name, ["startSeconds"] = s.StartSeconds, ["seconds"] = s.Seconds, ["state"] = s.State })];

    private int Record(DrillStep step, int index)
    {
        lock (_gate)
        {
            if (index < 0)
            {
                _steps.Add(step);
                index = _steps.Count - 1;
            }
            else
            {
                _steps[index] = step;
            }
        }

        Changed?.Invoke(step);
        return index;
    }
}
