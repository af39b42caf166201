namespace OpenApim.Resources.Operations;

/// <summary>States of a durable operation.</summary>
public enum OperationStatus
{
    Running,
    Succeeded,
    Failed,
}
