using System.CommandLine;
using System.Text.Json.Nodes;
using OpenApim.Cli.Common;

namespace OpenApim.Cli.Login;

/// <summary>
/// <c>openapim login</c>: client credentials against the endpoint's issuer (OpenApim's embedded one, or Entra ID for Azure),
/// then a profile with the endpoint, the subscription and the cached token. The secret is stored only with <c>--save-secret</c>.
/// </summary>
internal static class LoginCommand
{
    private static readonly Option<string?> Endpoint = CommonOptions.Optional("--endpoint", "Management endpoint: OpenApim's managementUrl (endpoints.json) or https://management.azure.com. Env: OPENAPIM_ENDPOINT.");
    private static readonly Option<string?> Tenant = CommonOptions.Optional("--tenant", "Directory (tenant) id. Env: OPENAPIM_TENANT_ID.");
    private static readonly Option<string?> ClientId = CommonOptions.Optional("--client-id", "Application (client) id. Env: OPENAPIM_CLIENT_ID.");
    private static readonly Option<string?> ClientSecret = CommonOptions.Optional("--client-secret", "Client secret. Env: OPENAPIM_CLIENT_SECRET.");
    private static readonly Option<string?> Authority = CommonOptions.Optional("--authority", "Token authority (default: the endpoint itself for OpenApim, https://login.microsoftonline.com for Azure).");
    private static readonly Option<bool> SaveSecret = CommonOptions.Flag("--save-secret", "Also store the client secret, in clear, in the 0600 profiles file, so tokens renew without it (otherwise: until the token expires, or with OPENAPIM_CLIENT_SECRET).");

    public static Command Build()
    {
        var command = new Command("login", "Sign in with client credentials and save a profile.\n\nExample:\n  openapim login --endpoint https://127.0.0.1:8443 --tenant 0a9e7c1d-5b3f-4e21-9c6a-0a91ae000001 --client-id ID --client-secret SECRET --ca-file data/tls/openapim-dev-cert.pem")
        {
            Endpoint, Tenant, ClientId, ClientSecret, Authority, SaveSecret,
        };
        command.SetAction((parse, ct) => CommandRunner.RunAsync((parse, ct), RunAsync));
        return command;
    }

    private static async Task RunAsync(CliContext context)
    {
        string Need(Option<string?> option, string env) =>
            context.Get(option) ?? Environment.GetEnvironmentVariable(env) ?? throw CliFailure.Usage($"{option.Name} is required (or set {env}).");

        var endpoint = Need(Endpoint, "OPENAPIM_ENDPOINT").TrimEnd('/');
        if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps)
        {
            throw CliFailure.Usage($"--endpoint must be an https URL, not '{endpoint}'.");
        }

        var tenant = Need(Tenant, "OPENAPIM_TENANT_ID");
        var clientId = Need(ClientId, "OPENAPIM_CLIENT_ID");
        var secret = Need(ClientSecret, "OPENAPIM_CLIENT_SECRET");
        var authority = context.Get(Authority) ?? Environment.GetEnvironmentVariable("OPENAPIM_AUTHORITY") ?? ArmSession.DefaultAuthority(endpoint);
        var caFile = context.Get(CommonOptions.CaFile) is { } ca ? Path.GetFullPath(ca) : null;
        using var http = Trust.Client(caFile, TimeSpan.FromSeconds(60));
        var (token, expiresOn) = await TokenClient.AcquireAsync(http, authority, tenant, clientId, secret, context.Cancellation);

        var subscription = context.Get(CommonOptions.Subscription);
        if (subscription is null)
        {
            var profile = new Profile { Endpoint = endpoint, Authority = authority, Tenant = tenant, ClientId = clientId, AccessToken = token, ExpiresOn = expiresOn, Subscription = "-" };
            http.DefaultRequestHeaders.Authorization = new("Bearer", token);
            var listed = await new ArmSession(http, profile, "-").ListAsync("subscriptions", context.Cancellation);
            subscription = listed.FirstOrDefault()?["subscriptionId"]?.GetValue<string>()
                ?? throw new CliFailure("NoSubscription", "The identity sees no subscription: pass --subscription.");
        }

        var saved = new Profile
        {
            Endpoint = endpoint, Authority = authority, Tenant = tenant, ClientId = clientId, Subscription = subscription, CaFile = caFile,
            AccessToken = token, ExpiresOn = expiresOn, ClientSecret = context.Get(SaveSecret) ? secret : null,
        };
        Profiles.Save(context.ProfileName, saved);
        context.Note(saved.ClientSecret is null
            ? $"The client secret was not stored: the token lasts until {expiresOn:u}; then log in again, set OPENAPIM_CLIENT_SECRET, or log in with --save-secret."
            : $"The client secret is stored in clear in {Profiles.FilePath} (mode 0600).");
        context.Write(new JsonObject
        {
            ["profile"] = context.ProfileName,
            ["endpoint"] = endpoint,
            ["tenant"] = tenant,
            ["clientId"] = clientId,
            ["subscription"] = subscription,
            ["expiresOn"] = expiresOn.ToString("O"),
            ["secretStored"] = saved.ClientSecret is not null,
            ["profilesFile"] = Profiles.FilePath,
        }, () => CliContext.Fields(("Profile", context.ProfileName), ("Endpoint", endpoint), ("Subscription", subscription), ("Token expires", expiresOn.ToString("u")),
            ("Secret stored", saved.ClientSecret is not null)));
    }
}
