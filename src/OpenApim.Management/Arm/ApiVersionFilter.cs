using Microsoft.AspNetCore.Http;
using OpenApim.Resources.Arm;

namespace OpenApim.Management.Arm;

/// <summary>Requires a supported <c>api-version</c> on every ARM route.</summary>
public sealed class ApiVersionFilter(IReadOnlyList<string> supported) : IEndpointFilter
{
    public static ApiVersionFilter ApiManagement { get; } = new(ApiVersions.Supported);

    /// <summary>Versions of the resource-manager routes Azure.ResourceManager calls (subscriptions, resource groups, providers).</summary>
    public static ApiVersionFilter ResourceManager { get; } = new([.. ApiVersions.Supported, "2022-12-01", "2022-09-01", "2021-04-01", "2020-06-01", "2020-01-01", "2019-10-01", "2016-06-01"]);

    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var version = http.Request.Query["api-version"].ToString();
        if (version.Length == 0)
        {
            throw ArmErrors.MissingApiVersion();
        }

        var match = supported.FirstOrDefault(v => v.Equals(version, StringComparison.OrdinalIgnoreCase)) ?? throw ArmErrors.InvalidApiVersion(version);
        http.SetApiVersion(match);
        return next(context);
    }
}
