using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using OpenApim.Resources.Arm;

namespace OpenApim.Http;

/// <summary>Requires a supported <c>api-version</c> and a well-formed subscription id on every ARM route.</summary>
public sealed partial class ArmRequestFilter(IReadOnlyList<string> supported, bool anyDatedVersion = false) : IEndpointFilter
{
    public static ArmRequestFilter ApiManagement { get; } = new(ApiVersions.Supported);

    /// <summary>
    /// The resource-manager routes (subscriptions, tenants, resource groups, providers) answer the same in every version, so
    /// any dated api-version is accepted: each client (az, the SDKs, PowerShell) sends its own.
    /// </summary>
    public static ArmRequestFilter ResourceManager { get; } = new([.. ApiVersions.Supported, "2022-12-01", "2022-09-01", "2021-04-01", "2020-06-01", "2020-01-01", "2019-11-01", "2019-10-01", "2016-06-01"], anyDatedVersion: true);

    /// <summary>Versions of Microsoft.Authorization (role assignments and definitions).</summary>
    public static ArmRequestFilter Authorization { get; } = new(["2022-04-01", "2022-01-01-preview", "2020-10-01-preview", "2020-08-01-preview", "2020-04-01-preview", "2018-09-01-preview", "2018-07-01", "2018-01-01-preview", "2017-05-01", "2015-07-01"]);

    /// <summary>Versions of OpenApim's own identity extension (app registrations, signing keys).</summary>
    public static ArmRequestFilter Identity { get; } = new(["2026-01-01"]);

    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var version = http.Request.Query["api-version"].ToString();
        if (version.Length == 0)
        {
            throw ArmErrors.MissingApiVersion();
        }

        var match = supported.FirstOrDefault(v => v.Equals(version, StringComparison.OrdinalIgnoreCase))
            ?? (anyDatedVersion && DatedVersion().IsMatch(version) ? version : null)
            ?? throw ArmErrors.InvalidApiVersion(version, supported);
        http.SetApiVersion(match);
        if (http.GetRouteValue("subscriptionId") is string subscriptionId)
        {
            ServiceRef.ValidateSubscription(subscriptionId);
        }

        return next(context);
    }

    [System.Text.RegularExpressions.GeneratedRegex("^20[0-9]{2}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])(-preview|-beta|-alpha)?$")]
    private static partial System.Text.RegularExpressions.Regex DatedVersion();
}
