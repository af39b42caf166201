using System.Net;

namespace OpenApim.Resources.Arm;

/// <summary>
/// The one exception type the management plane throws for client-visible failures. The exception
/// handler turns it into <c>{"error":{"code","message","target","details"}}</c>. Create instances
/// through <see cref="ArmErrors"/> so codes and messages stay in one catalogue.
/// </summary>
public sealed class ArmException : Exception
{
    public ArmException(HttpStatusCode status, string code, string message, IReadOnlyList<ArmErrorDetail>? details = null, string? target = null)
        : base(message)
    {
        Status = status;
        Code = code;
        Details = details ?? [];
        Target = target;
    }

    public HttpStatusCode Status { get; }

    public string Code { get; }

    public string? Target { get; }

    public IReadOnlyList<ArmErrorDetail> Details { get; }

    /// <summary>Extra response headers (e.g. WWW-Authenticate, Retry-After).</summary>
    public IDictionary<string, string> Headers { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
}
