using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace OpenApim.Gateway.Telemetry;

/// <summary>
/// The gateway's instruments (meter <c>OpenApim.Gateway</c>): request duration, the gateway's own rejections by reason, and how
/// long a committed change took to reach the gateway. Attributes carry the service and API names, never a key or a path.
/// </summary>
internal sealed class GatewayMetrics
{
    public const string MeterName = "OpenApim.Gateway";

    /// <summary>Status codes 0-599 boxed once, for the status tag.</summary>
    private static readonly object[] BoxedStatuses = [.. Enumerable.Range(0, 600).Select(static s => (object)s)];

    private readonly Histogram<double> _duration;
    private readonly Counter<long> _rejections;
    private readonly Histogram<double> _configLag;

    public GatewayMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _duration = meter.CreateHistogram<double>("openapim.gateway.request.duration", "s", "Time from the request's arrival to the end of its response.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] });
        _rejections = meter.CreateCounter<long>("openapim.gateway.rejections", "{request}",
            "Requests the gateway answered itself with an error, by reason: the policy or step that raised it (routing, authorization, rate-limit-by-key, quota, ip-filter, forward-request, ...).");
        _configLag = meter.CreateHistogram<double>("openapim.gateway.config.lag", "s", "Time from a change's commit to the gateway serving it (configuration propagation).",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] });
    }

    public void Request(string? service, string? api, string method, int status, TimeSpan elapsed)
    {
        if (!_duration.Enabled)
        {
            return;
        }

        var tags = new TagList
        {
            { "openapim.service.name", service ?? "" },
            { "openapim.api.name", api ?? "" },
            { "http.request.method", KnownMethod(method) },
            { "http.response.status_code", Boxed(status) },
        };
        _duration.Record(elapsed.TotalSeconds, tags);
    }

    /// <summary>A status code as the object a tag holds: boxed once per code (<see cref="BoxedStatuses"/>), not on every request.</summary>
    private static object Boxed(int status) => (uint)status < (uint)BoxedStatuses.Length ? BoxedStatuses[status] : status;

    /// <summary>OpenTelemetry's rule for the method attribute: a method outside the HTTP standard counts as <c>_OTHER</c> (a client must not mint series).</summary>
    private static string KnownMethod(string method) => method switch
    {
        "GET" or "POST" or "PUT" or "DELETE" or "PATCH" or "HEAD" or "OPTIONS" or "TRACE" or "CONNECT" => method,
        _ => "_OTHER",
    };

    public void Rejected(string? service, string reason, int status)
    {
        if (_rejections.Enabled)
        {
            _rejections.Add(1, new TagList { { "openapim.service.name", service ?? "" }, { "openapim.rejection.reason", reason }, { "http.response.status_code", Boxed(status) } });
        }
    }

    public void Applied(string service, TimeSpan lag)
    {
        if (_configLag.Enabled)
        {
            _configLag.Record(Math.Max(0, lag.TotalSeconds), new TagList { { "openapim.service.name", service } });
        }
    }
}
