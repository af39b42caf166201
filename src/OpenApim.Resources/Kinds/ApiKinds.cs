using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using OpenApim.Resources.Arm;
using OpenApim.Resources.Kinds.Schema;
using OpenApim.Resources.Model;
using OpenApim.Resources.Queries;

namespace OpenApim.Resources.Kinds;

/// <summary>APIs and what hangs below them: operations, policies, schemas, tags, releases, diagnostics.</summary>
internal static partial class ApiKinds
{
    private static readonly Prop[] ParameterProps =
    [
        P.Str("name").Req(),
        P.Str("description"),
        P.Str("type").Req(),
        P.Str("defaultValue"),
        P.Bool("required"),
        P.Arr("values", P.Item(PropType.String)),
    ];

    public static readonly ResourceKind Apis = new()
    {
        Path = "apis",
        Properties =
        [
            P.Str("displayName").Len(1, 300),
            P.Str("description"),
            P.Str("path").Req().Max(400),
            P.Str("serviceUrl").Max(2000),
            P.Arr("protocols", P.Enum("[]", "http", "https", "ws", "wss")).Default(new JsonArray("https")),
            P.Enum("type", "http", "soap", "websocket", "graphql").Default("http"),
            P.Enum("apiType", "http", "soap", "websocket", "graphql"),
            P.Str("apiRevision").Len(1, 100).Default("1"),
            P.Str("apiRevisionDescription").Max(256),
            P.Str("apiVersion").Max(100),
            P.Str("apiVersionDescription"),
            P.Ref("apiVersionSetId", "apiVersionSets"),
            P.Obj("apiVersionSet"),
            P.Bool("isCurrent").Default(true),
            P.Bool("isOnline").RO(),
            P.Bool("subscriptionRequired").Default(true),
            P.Obj("subscriptionKeyParameterNames", P.Str("header"), P.Str("query")),
            P.Obj("authenticationSettings"),
            P.Ref("sourceApiId", "apis"),
            P.Str("termsOfServiceUrl"),
            P.Obj("contact"),
            P.Obj("license"),
            P.Str("value"),
            P.Str("format"),
        ],
        Hooks = new KindHooks
        {
            BeforeWrite = ValidateApiAsync,
            BeforeDelete = DeleteApiAsync,
            Render = p => p["isOnline"] = true,
        },
    };

    public static readonly ResourceKind Operations = new()
    {
        Path = "apis/operations",
        Names = NameRule.Max(80),
        Properties =
        [
            P.Str("displayName").Req().Len(1, 300),
            P.Str("method").Req(),
            P.Str("urlTemplate").Req().Len(1, 1000),
            P.Str("description").Max(1000),
            P.Arr("templateParameters", P.Obj("[]", ParameterProps)),
            P.Obj("request", P.Str("description"), P.Arr("queryParameters", P.Obj("[]", ParameterProps)), P.Arr("headers", P.Obj("[]", ParameterProps)), P.Arr("representations")),
            P.Arr("responses", P.Obj("[]", P.Int("statusCode").Req().Range(100, 599), P.Str("description"), P.Arr("representations"), P.Arr("headers"))),
            P.Str("policies"),
        ],
        Hooks = new KindHooks { BeforeWrite = ValidateOperation },
    };

    public static readonly ResourceKind ApiPolicies = Policies.At("apis/policies");

    public static readonly ResourceKind OperationPolicies = Policies.At("apis/operations/policies");

    public static readonly ResourceKind ApiTags = Tags.LinkAt("apis/tags");

    public static readonly ResourceKind OperationTags = Tags.LinkAt("apis/operations/tags");

    public static readonly ResourceKind Schemas = new()
    {
        Path = "apis/schemas",
        Names = NameRule.Max(80),
        Patchable = false,
        Properties = [P.Str("contentType").Req(), P.Obj("document"), P.Str("value"), P.Any("definitions"), P.Any("components")],
    };

    public static readonly ResourceKind Releases = new()
    {
        Path = "apis/releases",
        Names = NameRule.Max(80),
        Properties = [P.Ref("apiId", "apis"), P.Str("notes"), P.Date("createdDateTime").RO(), P.Date("updatedDateTime").RO()],
    };

    public static readonly ResourceKind ApiDiagnostics = Diagnostics.At("apis/diagnostics");

    public static IReadOnlyList<ResourceKind> All { get; } = [Apis, Operations, ApiPolicies, OperationPolicies, ApiTags, OperationTags, Schemas, Releases, ApiDiagnostics];

    private static async Task ValidateApiAsync(EntityWriteContext ctx)
    {
        var p = ctx.Properties;
        if (p["displayName"] is null)
        {
            p["displayName"] = ctx.Address.Name;
        }

        p["subscriptionKeyParameterNames"] ??= new JsonObject();
        var names = (JsonObject)p["subscriptionKeyParameterNames"]!;
        names["header"] ??= "Ocp-Apim-Subscription-Key";
        names["query"] ??= "subscription-key";

        var path = p["path"]!.GetValue<string>().Trim('/');
        p["path"] = path;
        if (path.Contains(';', StringComparison.Ordinal))
        {
            ctx.Problem("properties.path", "An API path cannot contain ';' (the gateway addresses revisions as '{path};rev={n}').");
        }

        await CheckRevisionAsync(ctx, path);
        if (p["apiVersionSetId"] is not null && p["apiVersion"] is null && ctx.IsCreate)
        {
            ctx.Problem("properties.apiVersion", "'apiVersion' is required when the API belongs to a version set.");
        }

        // Two APIs may share a path only as versions of one version set.
        var sameVersionSet = p["apiVersionSetId"]?.GetValue<string>();
        var others = await ctx.Store.ListAsync(ListQuery.InService(Apis, ctx.Address.Service) with { Filter = new CompareFilter("path", "eq", path), Top = 1000 }, ctx.Cancellation);
        // Revisions of one API share its path.
        foreach (var other in others.Items.Where(o => o.Address != ctx.Address && !ApiRevisionName.SameApi(o.Name, ctx.Address.Name)))
        {
            var otherSet = other.Properties["apiVersionSetId"]?.GetValue<string>();
            var otherVersion = other.Properties["apiVersion"]?.GetValue<string>();
            if (sameVersionSet is null || !string.Equals(otherSet, sameVersionSet, StringComparison.OrdinalIgnoreCase))
            {
                ctx.Problem("properties.path", $"Cannot use path '{path}': API '{other.Name}' already uses it and the two are not versions of one version set.");
            }
            else if (string.Equals(otherVersion, p["apiVersion"]?.GetValue<string>(), StringComparison.OrdinalIgnoreCase))
            {
                ctx.Problem("properties.apiVersion", $"API '{other.Name}' already serves version '{otherVersion}' of version set '{sameVersionSet}' at path '{path}'.");
            }
        }
    }

    /// <summary>
    /// A revision's number is a positive integer: for <c>{id};rev={n}</c> it is n, for the current revision it changes only
    /// through a release. The current revision is current and the others are not. When the current revision's path changes,
    /// its revisions move with it (they share it).
    /// </summary>
    private static async Task CheckRevisionAsync(EntityWriteContext ctx, string path)
    {
        var p = ctx.Properties;
        var name = ApiRevisionName.Parse(ctx.Address.Name);
        var revision = p["apiRevision"].Text() ?? "1";
        if (!ApiRevisionName.IsValidRevision(revision))
        {
            ctx.Problem("properties.apiRevision", $"'{revision}' is not a revision number (a positive integer).");
            return;
        }

        if (name.IsRevision)
        {
            if (revision != name.Revision)
            {
                ctx.Problem("properties.apiRevision", $"Revision '{name.Revision}' has apiRevision '{name.Revision}', not '{revision}'.");
            }

            p["isCurrent"] = false;
            return;
        }

        var before = ctx.Existing?["apiRevision"].Text() ?? "1";
        if (ctx.Existing is not null && revision != before)
        {
            ctx.Problem("properties.apiRevision", $"The current revision is '{before}'; make another one current with a release (apis/{ctx.Address.Name}/releases).");
        }

        p["isCurrent"] = true;
        if (ctx.Existing?["path"].Text() is { } oldPath && oldPath != path)
        {
            var apis = await ctx.Store.ListAsync(ListQuery.InService(Apis, ctx.Address.Service) with { Top = int.MaxValue }, ctx.Cancellation);
            foreach (var other in apis.Items.Where(a => a.Address != ctx.Address && ApiRevisionName.SameApi(a.Name, ctx.Address.Name)))
            {
                var moved = (JsonObject)other.Body.DeepClone();
                moved["properties"]!["path"] = path;
                await ctx.Store.PutAsync(new ResourceRow(other.Address, moved), null, ctx.Cancellation);
            }
        }
    }

    /// <summary>Deleting an API deletes its revisions and the subscriptions scoped to it (a revision alone takes only itself).</summary>
    private static async Task DeleteApiAsync(EntityDeleteContext ctx)
    {
        if (ApiRevisionName.Parse(ctx.Address.Name).IsRevision)
        {
            return;
        }

        await Subscriptions.DeleteReferencingAsync(ctx, "scope");
        var apis = await ctx.Store.ListAsync(ListQuery.InService(Apis, ctx.Address.Service) with { Top = int.MaxValue }, ctx.Cancellation);
        foreach (var revision in apis.Items.Where(a => a.Address != ctx.Address && ApiRevisionName.SameApi(a.Name, ctx.Address.Name)))
        {
            await ctx.Store.DeleteTreeAsync(revision.Address, ctx.Cancellation);
        }
    }

    private static Task ValidateOperation(EntityWriteContext ctx)
    {
        var p = ctx.Properties;
        p["method"] = p["method"]!.GetValue<string>().ToUpperInvariant();
        var template = p["urlTemplate"]!.GetValue<string>();
        if (!template.StartsWith('/'))
        {
            template = "/" + template;
            p["urlTemplate"] = template;
        }

        var declared = (p["templateParameters"] as JsonArray ?? [])
            .Select(t => t?["name"]?.GetValue<string>())
            .Where(n => n is not null)
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        var pathPart = template.Split('?')[0];
        foreach (Match m in TemplateParameter().Matches(pathPart))
        {
            var name = m.Groups[1].Value.TrimStart('*');
            if (!declared.Contains(name))
            {
                ctx.Problem("properties.templateParameters", $"Template parameter '{name}' of urlTemplate '{template}' is not defined in templateParameters.");
            }
        }

        return Task.CompletedTask;
    }

    [GeneratedRegex(@"\{([^{}]+)\}")]
    private static partial Regex TemplateParameter();
}
