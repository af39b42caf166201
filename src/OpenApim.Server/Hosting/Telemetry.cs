using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using OpenApim.Server.Configuration;

namespace OpenApim.Server.Hosting;

/// <summary>
/// OpenTelemetry for the whole server: the meters of the wings (<c>OpenApim.*</c>), ASP.NET Core's and the runtime's, scraped
/// by Prometheus at <see cref="ServerSettings.MetricsPath"/> on the management listener and, when an OTLP endpoint is set,
/// exported there with the traces of backups, restores and requests.
/// </summary>
internal static class Telemetry
{
    private static readonly string[] Meters = ["OpenApim.Backup", "OpenApim.Gateway", "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel"];

    public static void AddTelemetry(this IServiceCollection services, ServerSettings settings)
    {
        if (settings.MetricsPath is null && settings.OtlpEndpoint is null)
        {
            return;
        }

        var otel = services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("openapim", serviceVersion: typeof(Telemetry).Assembly.GetName().Version?.ToString(3), autoGenerateServiceInstanceId: true))
            .WithMetrics(metrics =>
            {
                // ASP.NET Core's active-requests gauge costs two measurements on every gateway request (more than the gateway's own
                // duration histogram); concurrency is read from the duration histograms' rates instead.
                metrics.AddMeter(Meters).AddRuntimeInstrumentation().AddView("http.server.active_requests", MetricStreamConfiguration.Drop);
                if (settings.MetricsPath is not null)
                {
                    metrics.AddPrometheusExporter();
                }

                if (settings.OtlpEndpoint is { } endpoint)
                {
                    metrics.AddOtlpExporter(o => Otlp(o, endpoint, settings.OtlpHttp, "v1/metrics"));
                }
            });
        if (settings.OtlpEndpoint is { } traces)
        {
            otel.WithTracing(tracing => tracing
                .AddSource("OpenApim.Backup")
                .AddAspNetCoreInstrumentation(o => o.RecordException = false)
                .AddOtlpExporter(o => Otlp(o, traces, settings.OtlpHttp, "v1/traces")));
        }
    }

    /// <summary>Maps the Prometheus scrape endpoint (anonymous, like <c>/health</c>: it names services and APIs, never a key or secret).</summary>
    public static void MapTelemetry(this WebApplication app, ServerSettings settings)
    {
        if (settings.MetricsPath is { } path)
        {
            app.MapPrometheusScrapingEndpoint(path).AllowAnonymous();
        }
    }

    private static void Otlp(OtlpExporterOptions options, Uri endpoint, bool http, string signal)
    {
        // The gRPC endpoint takes every signal; OTLP over HTTP needs the signal's path.
        options.Protocol = http ? OtlpExportProtocol.HttpProtobuf : OtlpExportProtocol.Grpc;
        options.Endpoint = http ? new Uri(endpoint, signal) : endpoint;
    }
}
