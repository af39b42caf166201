namespace OpenApim.Resources.Operations;

/// <summary>A running operation as held by one node: writes on its behalf succeed only while that node still owns it.</summary>
public sealed record OperationClaim(string Id, string Owner);
