using System.Text.Json.Nodes;
using OpenApim.Resources.Kinds.Schema;
using OpenApim.Resources.Model;

namespace OpenApim.Resources.Kinds;

/// <summary>Developer-portal settings and identity: identity providers, OAuth/OIDC servers, portal settings, email templates, content.</summary>
internal static class PortalKinds
{
    private static readonly string[] TemplateNames =
    [
        "applicationApprovedNotificationMessage", "accountClosedDeveloper", "quotaLimitApproachingDeveloperNotificationMessage",
        "newDeveloperNotificationMessage", "emailChangeIdentityDefault", "inviteUserNotificationMessage", "newCommentNotificationMessage",
        "confirmSignUpIdentityDefault", "newIssueNotificationMessage", "purchaseDeveloperNotificationMessage", "passwordResetIdentityDefault",
        "passwordResetByAdminNotificationMessage", "rejectDeveloperNotificationMessage", "requestDeveloperNotificationMessage",
    ];

    public static IReadOnlyList<ResourceKind> All { get; } =
    [
        new()
        {
            Path = "identityProviders",
            Names = NameRule.OneOf("facebook", "google", "microsoft", "twitter", "aad", "aadB2C"),
            Properties =
            [
                P.Str("clientId").Req().Len(1, 1000),
                P.Str("clientSecret").Secret(),
                P.Enum("type", "facebook", "google", "microsoft", "twitter", "aad", "aadB2C"),
                P.Str("signinTenant"),
                P.Arr("allowedTenants", P.Item(PropType.String)).MaxCount(32),
                P.Str("authority"),
                P.Str("signupPolicyName"),
                P.Str("signinPolicyName"),
                P.Str("profileEditingPolicyName"),
                P.Str("passwordResetPolicyName"),
                P.Str("clientLibrary").Max(16),
            ],
            Hooks = new KindHooks
            {
                BeforeWrite = ctx =>
                {
                    RequireSecret(ctx, "clientSecret");
                    ctx.Properties["type"] = ctx.Address.Name;
                    return Task.CompletedTask;
                },
            },
            Actions = SecretsAction("clientSecret"),
        },
        new()
        {
            Path = "authorizationServers",
            Names = NameRule.Max(80),
            Properties =
            [
                P.Str("displayName").Req().Len(1, 50),
                P.Str("clientRegistrationEndpoint").Req(),
                P.Str("authorizationEndpoint").Req(),
                P.Arr("grantTypes", P.Enum("[]", "authorizationCode", "implicit", "resourceOwnerPassword", "clientCredentials")).Req(),
                P.Str("clientId").Req(),
                P.Str("clientSecret").Secret(),
                P.Str("description"),
                P.Arr("authorizationMethods", P.Enum("[]", "HEAD", "OPTIONS", "TRACE", "GET", "POST", "PUT", "PATCH", "DELETE")),
                P.Arr("clientAuthenticationMethod", P.Enum("[]", "Basic", "Body")),
                P.Arr("tokenBodyParameters", P.Obj("[]", P.Str("name").Req(), P.Str("value").Req())),
                P.Str("tokenEndpoint"),
                P.Bool("supportState"),
                P.Str("defaultScope"),
                P.Arr("bearerTokenSendingMethods", P.Enum("[]", "authorizationHeader", "query")),
                P.Str("resourceOwnerUsername").Secret(),
                P.Str("resourceOwnerPassword").Secret(),
                P.Bool("useInTestConsole").Default(true),
                P.Bool("useInApiDocumentation").Default(false),
            ],
            Actions = SecretsAction("clientSecret", "resourceOwnerUsername", "resourceOwnerPassword"),
        },
        new()
        {
            Path = "openidConnectProviders",
            Properties =
            [
                P.Str("displayName").Req().Max(50),
                P.Str("metadataEndpoint").Req(),
                P.Str("clientId").Req(),
                P.Str("clientSecret").Secret(),
                P.Str("description"),
                P.Bool("useInTestConsole").Default(true),
                P.Bool("useInApiDocumentation").Default(false),
            ],
            Actions = SecretsAction("clientSecret"),
        },
        new()
        {
            Path = "portalsettings",
            Names = NameRule.OneOf("signin", "signup", "delegation"),
            PatchReturnsBody = false,
            SeedBehavior = SeedBehavior.Permanent,
            Properties =
            [
                P.Bool("enabled"),
                P.Obj("termsOfService", P.Str("text"), P.Bool("enabled"), P.Bool("consentRequired")),
                P.Str("url"),
                P.Str("validationKey").Secret(),
                P.Obj("subscriptions", P.Bool("enabled")),
                P.Obj("userRegistration", P.Bool("enabled")),
            ],
            Seeds =
            [
                new("signin", new JsonObject { ["enabled"] = false }),
                new("signup", new JsonObject
                {
                    ["enabled"] = true,
                    ["termsOfService"] = new JsonObject { ["text"] = "Terms of service", ["enabled"] = false, ["consentRequired"] = false },
                }),
                new("delegation", new JsonObject
                {
                    ["subscriptions"] = new JsonObject { ["enabled"] = false },
                    ["userRegistration"] = new JsonObject { ["enabled"] = false },
                    ["enabled"] = false,
                }),
            ],
            Actions = SecretsAction("validationKey"),
        },
        new()
        {
            Path = "templates",
            Names = NameRule.OneOf(TemplateNames),
            SeedBehavior = SeedBehavior.ResetOnDelete,
            Properties =
            [
                P.Str("subject").Req().Len(1, 1000),
                P.Str("body").Req().Len(1, int.MaxValue),
                P.Str("title"),
                P.Str("description"),
                P.Bool("isDefault").RO(),
                P.Arr("parameters", P.Obj("[]", P.Str("name").Len(1, 256).Match("^[A-Za-z0-9-._]+$"), P.Str("title").Len(1, 4096), P.Str("description").Len(1, 256))),
            ],
            Seeds = [.. TemplateNames.Select(DefaultTemplate)],
            Hooks = new KindHooks
            {
                BeforeWrite = ctx =>
                {
                    ctx.Properties["isDefault"] = false;
                    return Task.CompletedTask;
                },
            },
        },
        new()
        {
            Path = "contentTypes",
            Names = NameRule.Max(80),
            Backup = BackupScope.Excluded,
            IfMatchRequired = false,
            Patchable = false,
            Properties = [P.Str("id"), P.Str("name").Max(250), P.Str("description"), P.Any("schema"), P.Str("version")],
        },
        new()
        {
            Path = "contentTypes/contentItems",
            Names = NameRule.Max(80),
            Backup = BackupScope.Excluded,
            IfMatchRequired = false,
            Patchable = false,
        },
    ];

    private static IReadOnlyDictionary<string, KindAction> SecretsAction(params string[] secrets) =>
        KindActions.Of(new KindAction("listSecrets", ctx =>
        {
            var result = new JsonObject();
            foreach (var name in secrets)
            {
                result[name] = ctx.Entity.Properties[name]?.DeepClone();
            }

            return Task.FromResult<JsonNode?>(result);
        }));

    private static void RequireSecret(EntityWriteContext ctx, string name)
    {
        if (ctx.Properties[name] is null)
        {
            ctx.Problem($"properties.{name}", $"'{name}' is required.");
        }
    }

    private static SeedEntity DefaultTemplate(string name)
    {
        var title = string.Concat(name.Select((c, i) => i > 0 && char.IsUpper(c) ? " " + c : c.ToString())).Trim();
        title = char.ToUpperInvariant(title[0]) + title[1..];
        return new SeedEntity(name, new JsonObject
        {
            ["subject"] = $"$OrganizationName: {title}",
            ["body"] = $"<!DOCTYPE html><html><body><p>Dear $DevFirstName $DevLastName,</p><p>{title}.</p><p>$OrganizationName API Team</p></body></html>",
            ["title"] = title,
            ["description"] = $"Sent for: {title}.",
            ["isDefault"] = true,
            ["parameters"] = new JsonArray(
                new JsonObject { ["name"] = "DevFirstName", ["title"] = "Developer first name" },
                new JsonObject { ["name"] = "DevLastName", ["title"] = "Developer last name" },
                new JsonObject { ["name"] = "OrganizationName", ["title"] = "Organization name" }),
        });
    }
}
