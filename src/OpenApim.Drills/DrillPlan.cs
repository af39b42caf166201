using System.Text.Json.Nodes;

namespace OpenApim.Drills;

/// <summary>
/// What a drill does. <paramref name="Primary"/> and <paramref name="Standby"/> are ARM paths of the two services;
/// <paramref name="Storage"/> is the backup/restore body without a backup name (account, container, key or identity).
/// The backup restored is a new one, or <paramref name="BackupName"/>, or what <paramref name="FindNewest"/> picks; with
/// <paramref name="Promote"/> the standby (a follower of the primary's replication) is promoted instead.
/// </summary>
public sealed record DrillPlan(
    string Primary,
    string Standby,
    JsonObject Storage,
    string? BackupName = null,
    Func<string, CancellationToken, Task<string>>? FindNewest = null,
    bool Promote = false,
    string? StandbyLocation = null,
    string? PrimaryGateway = null,
    string? StandbyGateway = null);
