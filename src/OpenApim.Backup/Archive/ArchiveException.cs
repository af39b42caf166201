namespace OpenApim.Backup.Archive;

/// <summary>A reason an archive cannot be used: corrupted, unreadable, or needs a key we lack.</summary>
internal sealed class ArchiveException(string problem, string message, Exception? inner = null) : Exception(message, inner)
{
    public string Problem { get; } = problem;
}
