using System.Globalization;
using OpenApim.Resources.Hosting;

namespace OpenApim.Server.Configuration;

/// <summary>
/// Every setting of the server, read from command-line flags, environment variables and
/// appsettings.json (in that order of precedence). The README's configuration table lists the same.
/// </summary>
internal sealed record ServerSettings
{
    public static readonly IReadOnlyList<Setting> All =
    [
        new("OPENAPIM_DATA_DIR", "--data-dir", "./data", "Data directory: SQLite database, TLS certificate, signing keys, bootstrap credential, local blob storage, endpoints.json."),
        new("OPENAPIM_MANAGEMENT_PORT", "--management-port", "8443", "HTTPS port of the management API and token issuer; 0 picks a free port."),
        new("OPENAPIM_GATEWAY_PORT", "--gateway-port", "8080", "HTTP port of the gateway; 0 picks a free port."),
        new("OPENAPIM_GATEWAY_HTTPS_PORT", "--gateway-https-port", null, "HTTPS port of the gateway (same certificate as the management API); unset: no HTTPS gateway listener; 0 picks a free port."),
        new("OPENAPIM_LISTEN_ADDRESS", "--listen-address", "127.0.0.1", "Address the listeners bind to."),
        new("OPENAPIM_PUBLIC_HOST", "--public-host", "127.0.0.1", "Host name used in the URLs the server publishes (management URL, token issuer)."),
        new("OPENAPIM_POSTGRES", "--postgres", null, "PostgreSQL connection string; when set the store is PostgreSQL instead of SQLite."),
        new("OPENAPIM_TENANT_ID", null, Deployment.DefaultTenantId, "Directory (tenant) id of the embedded token issuer."),
        new("OPENAPIM_SUBSCRIPTIONS", null, "00000000-0000-0000-0000-000000000001=OpenApim", "The subscriptions GET /subscriptions lists, as id=Display name;id2=Name2 (a subscription id not listed here still works, and is listed once it holds a resource group or service)."),
        new("OPENAPIM_BOOTSTRAP_CLIENT_ID", null, null, "Client id of the bootstrap administrator; generated when unset."),
        new("OPENAPIM_BOOTSTRAP_CLIENT_SECRET", null, null, "Client secret of the bootstrap administrator; generated (and written to {data-dir}/bootstrap-credentials.json, mode 0600) when unset."),
        new("OPENAPIM_BOOTSTRAP_USER_NAME", null, "admin", "User name of the console's bootstrap administrator (a person; Owner over `/`); signs in to the console at {managementUrl}/console."),
        new("OPENAPIM_BOOTSTRAP_USER_PASSWORD", null, null, "Its password (12 to 256 characters); when unset, a password is generated once and written with the user name to {data-dir}/bootstrap-user.json (mode 0600)."),
        new("OPENAPIM_SERVICE_DEFAULTS", null, "azure", "What a new service starts with: azure (the starter and unlimited products with their policies, the Echo API, the administrator user and the master subscription, as Azure creates them) or none (an empty service: only the system groups, email templates and portal settings)."),
        new("OPENAPIM_IMPORT_LINK_HOSTS", null, null, "Hosts an API import may fetch a specification from (formats openapi-link, openapi+json-link, swagger-link-json), comma-separated; *.example.com allows subdomains. Unset: link imports are refused."),
        new("OPENAPIM_TRUSTED_ISSUERS", null, null, "External OpenID Connect issuers whose tokens the management API accepts, as a JSON array of {\"authority\", \"audience\", \"tenantId\"?, \"issuer\"?, \"caCertificate\"?} (see docs/identity.md)."),
        new("OPENAPIM_AUTH_FAILURE_LIMIT", null, "10", "Failed client authentications allowed per client id and source address in 5 minutes; further attempts get 429 until older failures age out."),
        new("OPENAPIM_TLS_CERTIFICATE", "--tls-certificate", null, "PEM certificate for HTTPS; a self-signed one is generated in {data-dir}/tls when unset."),
        new("OPENAPIM_TLS_KEY", "--tls-key", null, "PEM private key of OPENAPIM_TLS_CERTIFICATE."),
        new("OPENAPIM_GATEWAY_HOST_PATTERN", null, "{service}.localhost", "Default gateway host name of a service."),
        new("OPENAPIM_GATEWAY_POLL_INTERVAL", null, "00:00:01", "How often the gateway reads the change journal when no commit woke it; commits through this node, and on PostgreSQL through any node (LISTEN/NOTIFY), wake it at once."),
        new("OPENAPIM_MAX_REQUEST_BYTES", null, "4194304", "Largest management request body accepted."),
        new("OPENAPIM_BLOB_ENDPOINT_TEMPLATE", null, null, "When set, every storage account is Azure Blob Storage at this address ({account} is replaced), e.g. http://127.0.0.1:10000/{account} for Azurite. When unset, accounts in OPENAPIM_STORAGE_ACCOUNTS are local folders and others are https://{account}.blob.core.windows.net."),
        new("OPENAPIM_SOFT_DELETE_RETENTION", null, "2.00:00:00", "How long a deleted service is kept for undelete (PUT with properties.restore: true) before it is purged (Azure: 48 hours); 00:00:00 deletes at once."),
        new("OPENAPIM_JOURNAL_RETENTION", null, "30.00:00:00", "How long change-journal records are kept (the change feed and the activity log read them); records a live gateway node has not applied yet are kept regardless."),
        new("OPENAPIM_JOURNAL_MAX_MB", null, "1024", "Size (MiB of record text) beyond which the oldest change-journal records are compacted away, even if younger than OPENAPIM_JOURNAL_RETENTION (never those a live reader still needs)."),
        new("OPENAPIM_BACKUP_LIFETIME", null, "30.00:00:00", "How long after creation a backup can be restored (a .NET TimeSpan)."),
        new("OPENAPIM_STORAGE_ACCOUNTS", null, "devstoreaccount1:<Azurite's well-known key>", "Local-folder storage accounts as name:key;name2:key2 (in {data-dir}/storage, used when OPENAPIM_BLOB_ENDPOINT_TEMPLATE is unset)."),
        new("OPENAPIM_MANAGED_IDENTITIES", null, null, "Stand-ins for managed identities: identity@account=key;... where identity is 'system', 'system:{service}' or a user-assigned client id."),
        new("OPENAPIM_USE_AZURE_MANAGED_IDENTITY", null, "false", "Use the host's real Azure managed identity for accounts without a stand-in."),
        new("OPENAPIM_BACKUP_ENCRYPTION_KEY", null, null, "Base64 AES-256 key; when set, secret values inside backups are encrypted (AES-GCM) and restores need the same key."),
        new("OPENAPIM_STORAGE_TIMEOUT", null, "00:00:15", "How long Azure Blob Storage may take to answer a metadata call, or stall a transfer, before a backup or restore fails with AccountUnreachable (a .NET TimeSpan)."),
        new("OPENAPIM_OPERATION_LEASE", null, "00:00:30", "How long a node owns a running backup/restore without renewing it; after that another node ends or resumes it."),
        new("OPENAPIM_METRICS_PATH", null, "/metrics", "Path of the Prometheus scrape endpoint on the management listener (anonymous, like /health; it names services and APIs, never keys or secrets); off: no endpoint."),
        new("OPENAPIM_OTLP_ENDPOINT", null, null, "OpenTelemetry collector to export metrics and traces to over OTLP, e.g. http://127.0.0.1:4317; unset: no export."),
        new("OPENAPIM_OTLP_PROTOCOL", null, "grpc", "OTLP protocol: grpc, or http/protobuf (the endpoint is then the collector's base URL, e.g. http://127.0.0.1:4318)."),
    ];

    public required string DataDirectory { get; init; }

    public required int ManagementPort { get; init; }

    public required int GatewayPort { get; init; }

    public int? GatewayHttpsPort { get; init; }

    public required string ListenAddress { get; init; }

    public required string PublicHost { get; init; }

    public string? Postgres { get; init; }

    public required string TenantId { get; init; }

    public required IReadOnlyList<ArmSubscription> Subscriptions { get; init; }

    public string? BootstrapClientId { get; init; }

    public string? BootstrapClientSecret { get; init; }

    public string? BootstrapUserName { get; init; }

    public string? BootstrapUserPassword { get; init; }

    public IReadOnlyList<Identity.TrustedIssuer> TrustedIssuers { get; init; } = [];

    public IReadOnlyList<string> ImportLinkHosts { get; init; } = [];

    public bool ServiceDefaults { get; init; } = true;

    public TimeSpan SoftDeleteRetention { get; init; } = TimeSpan.FromHours(48);

    public TimeSpan JournalRetention { get; init; } = TimeSpan.FromDays(30);

    public long JournalMaxBytes { get; init; } = 1L << 30;

    public TimeSpan GatewayPollInterval { get; init; } = TimeSpan.FromSeconds(1);

    public required int AuthFailureLimit { get; init; }

    public string? TlsCertificate { get; init; }

    public string? TlsKey { get; init; }

    public required string GatewayHostPattern { get; init; }

    public required long MaxRequestBytes { get; init; }

    public string? BlobEndpointTemplate { get; init; }

    public required TimeSpan BackupLifetime { get; init; }

    public string? StorageAccounts { get; init; }

    public string? ManagedIdentities { get; init; }

    public bool UseAzureManagedIdentity { get; init; }

    public string? BackupEncryptionKey { get; init; }

    public required TimeSpan OperationLease { get; init; }

    public required TimeSpan StorageTimeout { get; init; }

    /// <summary>Path of the Prometheus scrape endpoint, or null when off.</summary>
    public string? MetricsPath { get; init; }

    public Uri? OtlpEndpoint { get; init; }

    /// <summary>OTLP over HTTP (protobuf) instead of gRPC.</summary>
    public bool OtlpHttp { get; init; }

    /// <summary>Maps each flag to its environment variable name, so flags and variables share configuration keys.</summary>
    public static IDictionary<string, string> SwitchMappings =>
        All.Where(s => s.Flag is not null).ToDictionary(s => s.Flag!, s => s.Env, StringComparer.OrdinalIgnoreCase);

    public static ServerSettings From(IConfiguration config)
    {
        string? Get(string env) => string.IsNullOrWhiteSpace(config[env]) ? All.First(s => s.Env == env).Default : config[env];
        string Require(string env) => Get(env)!;

        var settings = new ServerSettings
        {
            DataDirectory = Path.GetFullPath(Require("OPENAPIM_DATA_DIR")),
            ManagementPort = Port(Require("OPENAPIM_MANAGEMENT_PORT"), "OPENAPIM_MANAGEMENT_PORT"),
            GatewayPort = Port(Require("OPENAPIM_GATEWAY_PORT"), "OPENAPIM_GATEWAY_PORT"),
            GatewayHttpsPort = Get("OPENAPIM_GATEWAY_HTTPS_PORT") is { } httpsPort ? Port(httpsPort, "OPENAPIM_GATEWAY_HTTPS_PORT") : null,
            ListenAddress = Require("OPENAPIM_LISTEN_ADDRESS"),
            PublicHost = Require("OPENAPIM_PUBLIC_HOST"),
            Postgres = Get("OPENAPIM_POSTGRES"),
            TenantId = Require("OPENAPIM_TENANT_ID"),
            Subscriptions = ParseSubscriptions(Require("OPENAPIM_SUBSCRIPTIONS")),
            BootstrapClientId = Get("OPENAPIM_BOOTSTRAP_CLIENT_ID"),
            BootstrapClientSecret = Get("OPENAPIM_BOOTSTRAP_CLIENT_SECRET"),
            BootstrapUserName = Get("OPENAPIM_BOOTSTRAP_USER_NAME"),
            BootstrapUserPassword = Get("OPENAPIM_BOOTSTRAP_USER_PASSWORD"),
            ServiceDefaults = Require("OPENAPIM_SERVICE_DEFAULTS").ToLowerInvariant() switch
            {
                "azure" => true,
                "none" => false,
                var other => throw new InvalidOperationException($"OPENAPIM_SERVICE_DEFAULTS is 'azure' or 'none', not '{other}'."),
            },
            ImportLinkHosts = (Get("OPENAPIM_IMPORT_LINK_HOSTS") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            TrustedIssuers = Get("OPENAPIM_TRUSTED_ISSUERS") is { } issuers ? TrustedIssuerSettings.Parse(issuers) : [],
            AuthFailureLimit = int.TryParse(Require("OPENAPIM_AUTH_FAILURE_LIMIT"), NumberStyles.None, CultureInfo.InvariantCulture, out var limit) && limit > 0
                ? limit
                : throw new InvalidOperationException("OPENAPIM_AUTH_FAILURE_LIMIT must be a positive integer."),
            TlsCertificate = Get("OPENAPIM_TLS_CERTIFICATE"),
            TlsKey = Get("OPENAPIM_TLS_KEY"),
            GatewayHostPattern = Require("OPENAPIM_GATEWAY_HOST_PATTERN"),
            GatewayPollInterval = Duration(Require("OPENAPIM_GATEWAY_POLL_INTERVAL"), "OPENAPIM_GATEWAY_POLL_INTERVAL"),
            MaxRequestBytes = long.Parse(Require("OPENAPIM_MAX_REQUEST_BYTES"), CultureInfo.InvariantCulture),
            BlobEndpointTemplate = Get("OPENAPIM_BLOB_ENDPOINT_TEMPLATE"),
            SoftDeleteRetention = TimeSpan.TryParse(Require("OPENAPIM_SOFT_DELETE_RETENTION"), CultureInfo.InvariantCulture, out var retention) && retention >= TimeSpan.Zero
                ? retention
                : throw new InvalidOperationException("OPENAPIM_SOFT_DELETE_RETENTION must be a duration such as 2.00:00:00 (or 00:00:00 to delete at once)."),
            JournalRetention = Duration(Require("OPENAPIM_JOURNAL_RETENTION"), "OPENAPIM_JOURNAL_RETENTION"),
            JournalMaxBytes = long.TryParse(Require("OPENAPIM_JOURNAL_MAX_MB"), NumberStyles.None, CultureInfo.InvariantCulture, out var mb) && mb is > 0 and < 1L << 40
                ? mb << 20
                : throw new InvalidOperationException("OPENAPIM_JOURNAL_MAX_MB must be a positive number of MiB."),
            BackupLifetime = Duration(Require("OPENAPIM_BACKUP_LIFETIME"), "OPENAPIM_BACKUP_LIFETIME"),
            StorageAccounts = config["OPENAPIM_STORAGE_ACCOUNTS"],
            ManagedIdentities = Get("OPENAPIM_MANAGED_IDENTITIES"),
            UseAzureManagedIdentity = bool.TryParse(Get("OPENAPIM_USE_AZURE_MANAGED_IDENTITY"), out var azureIdentity) && azureIdentity,
            BackupEncryptionKey = Get("OPENAPIM_BACKUP_ENCRYPTION_KEY"),
            OperationLease = Duration(Require("OPENAPIM_OPERATION_LEASE"), "OPENAPIM_OPERATION_LEASE"),
            StorageTimeout = Duration(Require("OPENAPIM_STORAGE_TIMEOUT"), "OPENAPIM_STORAGE_TIMEOUT"),
            MetricsPath = ParseMetricsPath(Require("OPENAPIM_METRICS_PATH")),
            OtlpEndpoint = Get("OPENAPIM_OTLP_ENDPOINT") is { } otlp
                ? Uri.TryCreate(otlp, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
                    ? uri
                    : throw new InvalidOperationException($"OPENAPIM_OTLP_ENDPOINT must be an http or https URL, not '{otlp}'.")
                : null,
            OtlpHttp = Require("OPENAPIM_OTLP_PROTOCOL") switch
            {
                "grpc" => false,
                "http/protobuf" => true,
                var other => throw new InvalidOperationException($"OPENAPIM_OTLP_PROTOCOL is 'grpc' or 'http/protobuf', not '{other}'."),
            },
        };

        if (!Guid.TryParse(settings.TenantId, out _))
        {
            throw new InvalidOperationException($"OPENAPIM_TENANT_ID must be a GUID, not '{settings.TenantId}'.");
        }

        if (settings.TlsCertificate is null != (settings.TlsKey is null))
        {
            throw new InvalidOperationException("Set both OPENAPIM_TLS_CERTIFICATE and OPENAPIM_TLS_KEY, or neither.");
        }

        return settings;
    }

    public static string Help() =>
        "Usage: OpenApim.Server [--flag value ...]\n\nSettings (flag, environment variable, default):\n" +
        string.Join('\n', All.Select(s => $"  {s.Flag ?? "",-20} {s.Env,-34} {s.Default ?? "(unset)",-22} {s.Description}"));

    private static IReadOnlyList<ArmSubscription> ParseSubscriptions(string value)
    {
        try
        {
            return ArmSubscription.ParseList(value);
        }
        catch (FormatException e)
        {
            throw new InvalidOperationException(e.Message, e);
        }
    }

    private static string? ParseMetricsPath(string value) => value switch
    {
        "off" => null,
        ['/', ..] when value.Length < 200 && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '/' or '-' or '_' or '.') && !value.Contains("..", StringComparison.Ordinal) => value,
        _ => throw new InvalidOperationException($"OPENAPIM_METRICS_PATH must be a path such as /metrics (letters, digits, / - _ .) or 'off', not '{value}'."),
    };

    private static TimeSpan Duration(string value, string name) =>
        TimeSpan.TryParse(value, CultureInfo.InvariantCulture, out var t) && t > TimeSpan.Zero
            ? t
            : throw new InvalidOperationException($"{name} must be a positive .NET TimeSpan such as 30.00:00:00 or 00:00:05, not '{value}'.");

    private static int Port(string value, string name) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is >= 0 and <= 65535
            ? port
            : throw new InvalidOperationException($"{name} must be a port number (0-65535), not '{value}'.");
}
