namespace OpenApim.Resources.Arm;

/// <summary>One problem inside an ARM error: a field-level detail.</summary>
public sealed record ArmErrorDetail(string Code, string Message, string? Target = null);
