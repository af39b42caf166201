using System.Text.Json.Nodes;
using Azure.Identity;
using OpenApim.Backup.Requests;
using OpenApim.Resources.Arm;

namespace OpenApim.Backup.Storage;

/// <summary>
/// Opens the container a backup or restore request names, with the credential its access type calls
/// for: the access key from the request, or the service's managed identity, stood in for locally by
/// a configured grant (<c>OPENAPIM_MANAGED_IDENTITIES</c>) or, in Azure, by the host's real identity.
/// </summary>
internal sealed class BlobTargets(StorageOptions options)
{
    /// <summary>400 at once when the request names an identity the service does not have.</summary>
    public static void CheckIdentity(StorageRequest request, ServiceRef service, JsonObject serviceBody)
    {
        var identity = serviceBody["identity"] as JsonObject;
        var type = identity?["type"]?.GetValue<string>() ?? "None";
        switch (request.AccessType)
        {
            case AccessType.SystemAssignedManagedIdentity when !type.Contains("SystemAssigned", StringComparison.Ordinal):
                throw ArmErrors.IdentityNotEnabled(service.Name, "system-assigned managed identity");
            case AccessType.UserAssignedManagedIdentity when ClientIds(identity).All(c => !c.Equals(request.ClientId, StringComparison.OrdinalIgnoreCase)):
                throw ArmErrors.IdentityNotEnabled(service.Name, $"user-assigned managed identity with client id '{request.ClientId}'");
        }
    }

    public IBlobTarget Open(StorageRequest request, ServiceRef service)
    {
        var key = request.AccessType == AccessType.AccessKey ? request.AccessKey : GrantedKey(request, service);
        var local = LocalAccount(options, request.StorageAccount);
        if (local is not null)
        {
            return key is null
                ? throw NoCredential(request, service)
                : LocalFolderTarget.Open(options.LocalRoot, local, key, request.ContainerName);
        }

        var endpoint = Endpoint(options, request.StorageAccount);
        if (key is not null)
        {
            return AzureBlobTarget.WithKey(endpoint, request.StorageAccount, key, request.ContainerName, options.Timeout);
        }

        if (options.UseAzureManagedIdentity)
        {
            var credential = request.AccessType == AccessType.UserAssignedManagedIdentity
                ? new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(request.ClientId!))
                : new ManagedIdentityCredential(ManagedIdentityId.SystemAssigned);
            return AzureBlobTarget.WithToken(endpoint, request.StorageAccount, credential, request.ContainerName, options.Timeout);
        }

        throw NoCredential(request, service);
    }

    /// <summary>The configured local-folder account of that name, when accounts are local folders (no endpoint template).</summary>
    internal static LocalAccount? LocalAccount(StorageOptions options, string account) => options.EndpointTemplate is null
        ? options.LocalAccounts.FirstOrDefault(a => a.Name.Equals(account, StringComparison.Ordinal))
        : null;

    /// <summary>The Azure Blob Storage endpoint of an account that is not a local folder.</summary>
    internal static Uri Endpoint(StorageOptions options, string account) =>
        new((options.EndpointTemplate ?? StorageOptions.DefaultEndpointTemplate).Replace("{account}", account, StringComparison.Ordinal));

    private string? GrantedKey(StorageRequest request, ServiceRef service)
    {
        IEnumerable<string> identities = request.AccessType == AccessType.UserAssignedManagedIdentity
            ? [request.ClientId!]
            : [$"system:{service.Name}", "system"];
        return identities
            .Select(id => options.IdentityGrants.FirstOrDefault(g =>
                g.Identity.Equals(id, StringComparison.OrdinalIgnoreCase) && g.Account.Equals(request.StorageAccount, StringComparison.Ordinal)))
            .FirstOrDefault(g => g is not null)?.Key;
    }

    private static StorageException NoCredential(StorageRequest request, ServiceRef service) => new(StorageProblem.AuthenticationFailed,
        $"Authentication failed for storage account '{request.StorageAccount}': the {Describe(request)} of service '{service.Name}' has no access to it " +
        "(grant it with OPENAPIM_MANAGED_IDENTITIES, or run in Azure with OPENAPIM_USE_AZURE_MANAGED_IDENTITY=true).");

    private static string Describe(StorageRequest request) => request.AccessType == AccessType.UserAssignedManagedIdentity
        ? $"user-assigned managed identity '{request.ClientId}'"
        : "system-assigned managed identity";

    private static IEnumerable<string> ClientIds(JsonObject? identity) =>
        (identity?["userAssignedIdentities"] as JsonObject ?? [])
            .Select(kv => kv.Value?["clientId"]?.GetValue<string>())
            .OfType<string>();
}
