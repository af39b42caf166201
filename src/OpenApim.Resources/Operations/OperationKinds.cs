namespace OpenApim.Resources.Operations;

/// <summary>Kinds of durable operations.</summary>
public static class OperationKinds
{
    public const string Backup = "backup";
    public const string Restore = "restore";
    public const string CreateService = "createService";
}
