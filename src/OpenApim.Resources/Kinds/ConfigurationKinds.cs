using System.Text.Json.Nodes;
using OpenApim.Resources.Certificates;
using OpenApim.Resources.Kinds.Schema;
using OpenApim.Resources.Model;

namespace OpenApim.Resources.Kinds;

/// <summary>Service-wide configuration: named values, backends, certificates, loggers, diagnostics, the global policy, tags, version sets.</summary>
internal static class ConfigurationKinds
{
    public static readonly ResourceKind NamedValues = new()
    {
        Path = "namedValues",
        Properties =
        [
            P.Str("displayName").Req().Len(1, 256).Match("^[A-Za-z0-9-._]+$"),
            P.Str("value").Max(4096).SecretWhen("secret"),
            P.Obj("keyVault", P.Str("secretIdentifier"), P.Str("identityClientId"), P.Obj("lastStatus").RO()),
            P.Arr("tags", P.Item(PropType.String)).MaxCount(32).Default(new JsonArray()),
            P.Bool("secret").Default(false),
            P.Str("provisioningState").RO(),
        ],
        Hooks = new KindHooks
        {
            BeforeWrite = ctx =>
            {
                if (ctx.Properties["keyVault"] is not null)
                {
                    ctx.Problem("properties.keyVault", "Key Vault references are not supported by OpenApim; store the value itself (secret: true keeps it hidden).");
                }
                else if (ctx.Properties["value"] is not JsonValue v || string.IsNullOrWhiteSpace(v.GetValue<string>()))
                {
                    ctx.Problem("properties.value", "'value' is required and may not be empty or consist only of whitespace.");
                }

                return Task.CompletedTask;
            },
            Render = p => p["provisioningState"] = "Succeeded",
        },
        Actions = KindActions.Of(new KindAction("listValue", ctx => Task.FromResult<JsonNode?>(new JsonObject { ["value"] = ctx.Entity.Properties["value"]?.DeepClone() }))),
    };

    public static readonly ResourceKind Backends = new()
    {
        Path = "backends",
        Names = NameRule.Max(80),
        Properties =
        [
            P.Str("url").Req().Len(1, 2000),
            P.Enum("protocol", "http", "soap").Req(),
            P.Str("title").Len(1, 300),
            P.Str("description").Len(1, 2000),
            P.Str("resourceId").Len(1, 2000),
            P.Obj("properties"),
            P.Obj("credentials",
                P.Arr("certificateIds", P.Item(PropType.String)).MaxCount(32),
                P.Arr("certificate", P.Item(PropType.String)).MaxCount(32),
                // Header and query values carry credentials (API keys, basic auth): secrets like authorization.parameter.
                P.Obj("query").Secret(),
                P.Obj("header").Secret(),
                P.Obj("authorization", P.Str("scheme").Req().Len(1, 100), P.Str("parameter").Req().Len(1, 300).Secret())),
            P.Obj("proxy", P.Str("url").Req().Len(1, 2000), P.Str("username"), P.Str("password").Secret()),
            P.Obj("tls", P.Bool("validateCertificateChain"), P.Bool("validateCertificateName")),
            P.Obj("circuitBreaker"),
            P.Obj("pool"),
            P.Enum("type", "Single", "Pool"),
        ],
        Hooks = new KindHooks
        {
            BeforeWrite = ctx =>
            {
                if (!Uri.TryCreate(ctx.Properties["url"]!.GetValue<string>(), UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
                {
                    ctx.Problem("properties.url", "'url' must be an absolute http or https URL.");
                }

                return Task.CompletedTask;
            },
        },
    };

    public static readonly ResourceKind Certificates = new()
    {
        Path = "certificates",
        Names = NameRule.Max(80),
        Patchable = false,
        Properties =
        [
            P.Str("data").Secret(),
            P.Str("password").Secret(),
            P.Obj("keyVault"),
            P.Str("subject").RO(),
            P.Str("thumbprint").RO(),
            P.Date("expirationDate").RO(),
        ],
        Hooks = new KindHooks { BeforeWrite = ReadCertificate },
    };

    public static readonly ResourceKind Loggers = new()
    {
        Path = "loggers",
        Properties =
        [
            P.Enum("loggerType", "azureEventHub", "applicationInsights", "azureMonitor").Req(),
            P.Str("description").Max(256),
            P.Obj("credentials").Secret(),
            P.Bool("isBuffered").Default(true),
            P.Str("resourceId"),
        ],
    };

    public static readonly ResourceKind ServiceDiagnostics = Diagnostics.At("diagnostics");

    public static readonly ResourceKind ServicePolicies = Policies.At("policies");

    public static readonly ResourceKind Tags = new()
    {
        Path = "tags",
        Names = NameRule.Max(80),
        Properties = [P.Str("displayName").Req().Len(1, 160)],
    };

    public static readonly ResourceKind ApiVersionSets = new()
    {
        Path = "apiVersionSets",
        Names = NameRule.Max(80),
        Properties =
        [
            P.Str("displayName").Req().Len(1, 100),
            P.Enum("versioningScheme", "Segment", "Query", "Header").Req(),
            P.Str("description"),
            P.Str("versionQueryName").Len(1, 100),
            P.Str("versionHeaderName").Len(1, 100),
        ],
        Hooks = new KindHooks
        {
            BeforeWrite = ctx =>
            {
                var scheme = ctx.Properties["versioningScheme"]!.GetValue<string>();
                if (scheme == "Query" && ctx.Properties["versionQueryName"] is null)
                {
                    ctx.Problem("properties.versionQueryName", "'versionQueryName' is required when versioningScheme is 'Query'.");
                }

                if (scheme == "Header" && ctx.Properties["versionHeaderName"] is null)
                {
                    ctx.Problem("properties.versionHeaderName", "'versionHeaderName' is required when versioningScheme is 'Header'.");
                }

                return Task.CompletedTask;
            },
        },
    };

    public static IReadOnlyList<ResourceKind> All { get; } = [NamedValues, Backends, Certificates, Loggers, ServiceDiagnostics, ServicePolicies, Tags, ApiVersionSets];

    /// <summary>Loads the PFX to validate it and to compute subject, thumbprint and expiry, as API Management does.</summary>
    private static Task ReadCertificate(EntityWriteContext ctx)
    {
        var p = ctx.Properties;
        if (p["keyVault"] is not null)
        {
            ctx.Problem("properties.keyVault", "Key Vault certificates are not supported by OpenApim; upload the PFX in 'data'.");
            return Task.CompletedTask;
        }

        if (p["data"] is not JsonValue data)
        {
            ctx.Problem("properties.data", "'data' (the base64-encoded PFX) is required.");
            return Task.CompletedTask;
        }

        var info = PfxInfo.TryRead(data.GetValue<string>(), p["password"]?.GetValue<string>());
        if (info is null)
        {
            ctx.Problem("properties.data", "'data' is not a base64-encoded PFX that opens with the given password.");
            return Task.CompletedTask;
        }

        p["subject"] = info.Subject;
        p["thumbprint"] = info.Thumbprint;
        p["expirationDate"] = info.ExpiryText;
        return Task.CompletedTask;
    }
}
