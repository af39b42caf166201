using Microsoft.AspNetCore.Http;
using OpenApim.Resources.Arm;

namespace OpenApim.Http;

/// <summary>The links the management API hands out, all on its configured public URL.</summary>
public static class ArmLinks
{
    /// <summary>The status URL of a service's long-running operation, carrying the request's api-version.</summary>
    public static string OperationResult(HttpContext c, ServiceRef service, string operationId) =>
        $"{c.Request.BaseUrl()}{service.Id}/operationresults/{operationId}?api-version={c.ApiVersion()}";
}
