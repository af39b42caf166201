using System.CommandLine;
using System.Text.Json.Nodes;
using OpenApim.Cli.Common;

namespace OpenApim.Cli.Entities;

/// <summary>
/// Enough entity commands to script a demo or a drill: <c>api</c> (with <c>import</c>), <c>product</c> (with <c>api add</c>),
/// <c>user</c> and <c>subscription</c> (with <c>keys</c>), each <c>create|show|list|delete</c> under <c>-g</c> and <c>-n</c>.
/// </summary>
internal static class EntityCommands
{
    public static IEnumerable<Command> Build()
    {
        var apiId = CommonOptions.Required("--api-id", "API id (its name in the URL).");
        var api = ResourceCommands.Family("api", "APIs of a service.", "apis", apiId, [("Id", "name"), ("Display name", "properties.displayName"), ("Path", "properties.path"), ("Backend", "properties.serviceUrl")]);
        var path = CommonOptions.Required("--path", "URL suffix the gateway serves the API at.");
        var display = CommonOptions.Optional("--display-name", "Display name (default: the id).");
        var serviceUrl = CommonOptions.Optional("--service-url", "Backend URL.");
        var protocols = new Option<string[]>("--protocols") { Description = "http and/or https (default https).", AllowMultipleArgumentsPerToken = true };
        var keyRequired = new Option<bool?>("--subscription-required") { Description = "Whether callers need a subscription key: true (default) or false." };
        api.Subcommands.Add(ResourceCommands.Put("create", "Create or replace an API.", "apis", apiId, [path, display, serviceUrl, protocols, keyRequired], context => new JsonObject
        {
            ["displayName"] = context.Get(display) ?? context.Get(apiId),
            ["path"] = context.Get(path),
            ["serviceUrl"] = context.Get(serviceUrl),
            ["protocols"] = new JsonArray([.. (context.Get(protocols) is { Length: > 0 } p ? p : ["https"]).Select(x => (JsonNode)x)]),
            ["subscriptionRequired"] = context.Get(keyRequired) ?? true,
        }));
        api.Subcommands.Add(ImportCommand(apiId, path, display, serviceUrl));

        var productId = CommonOptions.Required("--product-id", "Product id.");
        var product = ResourceCommands.Family("product", "Products of a service.", "products", productId, [("Id", "name"), ("Display name", "properties.displayName"), ("State", "properties.state"), ("Key required", "properties.subscriptionRequired")]);
        var productName = CommonOptions.Optional("--product-name", "Display name (default: the id).");
        var state = new Option<string>("--state") { Description = "published or notPublished.", DefaultValueFactory = _ => "published" };
        state.AcceptOnlyFromAmong("published", "notPublished");
        product.Subcommands.Add(ResourceCommands.Put("create", "Create or replace a product.", "products", productId, [productName, state, keyRequired], context => new JsonObject
        {
            ["displayName"] = context.Get(productName) ?? context.Get(productId),
            ["state"] = context.Get(state),
            ["subscriptionRequired"] = context.Get(keyRequired) ?? true,
        }));
        var productApi = new Command("api", "The APIs of a product.");
        var add = new Command("add", "Add an API to a product.") { CommonOptions.Group, CommonOptions.Name, productId, apiId };
        add.SetAction((parse, ct) => CommandRunner.RunAsync((parse, ct), async context =>
        {
            var arm = await context.ArmAsync();
            var path = $"{ResourceCommands.Path(arm, context, "products", productId)}/apis/{ArmSession.Segment(context.Get(apiId), apiId.Name)}";
            var (_, body, _) = await arm.SendAsync(HttpMethod.Put, path, null, context.Cancellation);
            context.Write(body);
        }));
        productApi.Subcommands.Add(add);
        product.Subcommands.Add(productApi);

        var userId = CommonOptions.Required("--user-id", "User id.");
        var user = ResourceCommands.Family("user", "Users of a service.", "users", userId, [("Id", "name"), ("Email", "properties.email"), ("First name", "properties.firstName"), ("Last name", "properties.lastName"), ("State", "properties.state")]);
        var email = CommonOptions.Required("--email", "Email address.");
        var first = CommonOptions.Required("--first-name", "First name.");
        var last = CommonOptions.Required("--last-name", "Last name.");
        user.Subcommands.Add(ResourceCommands.Put("create", "Create or replace a user.", "users", userId, [email, first, last], context => new JsonObject
        {
            ["email"] = context.Get(email), ["firstName"] = context.Get(first), ["lastName"] = context.Get(last),
        }));

        var sid = CommonOptions.Required("--sid", "Subscription id within the service (its name in the URL).");
        var subscription = ResourceCommands.Family("subscription", "Subscriptions (keys) of a service.", "subscriptions", sid, [("Id", "name"), ("Display name", "properties.displayName"), ("Scope", "properties.scope"), ("State", "properties.state")]);
        var scope = CommonOptions.Required("--scope", "What the keys open: /apis (all APIs), /apis/{id} or /products/{id}.");
        var owner = CommonOptions.Optional("--owner-id", "The user who owns it: /users/{id}.");
        var primaryKey = CommonOptions.Optional("--primary-key", "Primary key (generated when omitted).");
        var secondaryKey = CommonOptions.Optional("--secondary-key", "Secondary key (generated when omitted).");
        var subscriptionState = new Option<string>("--state") { Description = "active, suspended, submitted, rejected, cancelled or expired.", DefaultValueFactory = _ => "active" };
        subscription.Subcommands.Add(ResourceCommands.Put("create", "Create or replace a subscription.", "subscriptions", sid, [scope, display, owner, primaryKey, secondaryKey, subscriptionState], context => new JsonObject
        {
            ["displayName"] = context.Get(display) ?? context.Get(sid),
            ["scope"] = context.Get(scope),
            ["ownerId"] = context.Get(owner),
            ["primaryKey"] = context.Get(primaryKey),
            ["secondaryKey"] = context.Get(secondaryKey),
            ["state"] = context.Get(subscriptionState),
        }));
        var keys = new Command("keys", "The subscription's keys (listSecrets).") { CommonOptions.Group, CommonOptions.Name, sid };
        keys.SetAction((parse, ct) => CommandRunner.RunAsync((parse, ct), async context =>
        {
            var arm = await context.ArmAsync();
            var (_, body, _) = await arm.SendAsync(HttpMethod.Post, $"{ResourceCommands.Path(arm, context, "subscriptions", sid)}/listSecrets", null, context.Cancellation);
            context.Write(body, () => CliContext.Fields(("Primary key", CliContext.Read(body, "primaryKey")), ("Secondary key", CliContext.Read(body, "secondaryKey"))));
        }));
        subscription.Subcommands.Add(keys);
        return [api, product, user, subscription];
    }

    /// <summary><c>api import</c>: an OpenAPI (YAML or JSON), Swagger or WSDL document from a file or a URL (the Azure CLI's options).</summary>
    private static Command ImportCommand(Option<string> apiId, Option<string> path, Option<string?> display, Option<string?> serviceUrl)
    {
        var format = new Option<string>("--specification-format") { Description = "OpenApi, OpenApiJson, Swagger or Wsdl.", Required = true };
        format.AcceptOnlyFromAmong("OpenApi", "OpenApiJson", "Swagger", "Wsdl");
        var file = CommonOptions.Optional("--specification-path", "The specification file.");
        var url = CommonOptions.Optional("--specification-url", "The specification's URL (the server fetches it; OPENAPIM_IMPORT_LINK_HOSTS must allow the host).");
        var command = new Command("import", "Import an API from a specification.\n\nExample:\n  openapim api import -g rg1 -n contoso --api-id petstore --path petstore --specification-format OpenApi --specification-path petstore.yaml")
        {
            CommonOptions.Group, CommonOptions.Name, apiId, path, format, file, url, display, serviceUrl,
        };
        command.SetAction((parse, ct) => CommandRunner.RunAsync((parse, ct), async context =>
        {
            var (specFile, specUrl) = (context.Get(file), context.Get(url));
            if (specFile is null == (specUrl is null))
            {
                throw CliFailure.Usage("Give exactly one of --specification-path and --specification-url.");
            }

            var content = specFile is null ? null : await ReadSpecificationAsync(specFile, context.Cancellation);
            var properties = new JsonObject
            {
                ["format"] = Format(context.Get(format), content, specUrl is not null),
                ["value"] = content ?? specUrl,
                ["path"] = context.Get(path),
            };
            if (context.Get(display) is { } name)
            {
                properties["displayName"] = name;
            }

            if (context.Get(serviceUrl) is { } backend)
            {
                properties["serviceUrl"] = backend;
            }

            var arm = await context.ArmAsync();
            var apiPath = ResourceCommands.Path(arm, context, "apis", apiId);
            var (_, body, headers) = await arm.SendAsync(HttpMethod.Put, apiPath + "?import=true&api-version=" + ArmSession.ApiVersion, new JsonObject { ["properties"] = properties }, context.Cancellation);
            if (headers.Location is { } location && body is null)
            {
                await arm.FollowAsync(location.ToString(), null, context.Cancellation);
                body = await arm.GetAsync(apiPath, context.Cancellation);
            }

            var operations = await arm.ListAsync($"{apiPath}/operations", context.Cancellation);
            context.Write(body, () => CliContext.Fields(("Id", CliContext.Read(body, "name")), ("Path", CliContext.Read(body, "properties.path")), ("Operations", operations.Count)));
        }));
        return command;
    }

    private static async Task<string> ReadSpecificationAsync(string file, CancellationToken ct)
    {
        if (!File.Exists(file))
        {
            throw CliFailure.Usage($"The specification file '{file}' does not exist.");
        }

        if (new FileInfo(file).Length > 4 << 20)
        {
            throw CliFailure.Usage($"The specification file '{file}' is larger than the 4 MiB a management request may carry.");
        }

        return await File.ReadAllTextAsync(file, ct);
    }

    /// <summary>The ARM import format for the Azure CLI's --specification-format.</summary>
    private static string Format(string format, string? content, bool link) => (format, link) switch
    {
        ("OpenApi", false) => content!.TrimStart().StartsWith('{') ? "openapi+json" : "openapi",
        ("OpenApi", true) => "openapi-link",
        ("OpenApiJson", false) => "openapi+json",
        ("OpenApiJson", true) => "openapi+json-link",
        ("Swagger", false) => "swagger-json",
        ("Swagger", true) => "swagger-link-json",
        ("Wsdl", false) => "wsdl",
        _ => "wsdl-link",
    };
}
