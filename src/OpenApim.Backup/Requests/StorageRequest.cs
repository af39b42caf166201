using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using OpenApim.Resources.Arm;
using OpenApim.Resources.Operations;

namespace OpenApim.Backup.Requests;

/// <summary>
/// The body of backup and restore (<c>ApiManagementServiceBackupRestoreParameters</c>), validated for the
/// requested api-version. <see cref="ToStoredJson"/> is what goes into the operation row, without the access key, which
/// is sealed next to it (<c>OperationSecrets</c>) and recovered by whichever node runs the job.
/// </summary>
internal sealed partial record StorageRequest(string StorageAccount, string ContainerName, string BackupName, AccessType AccessType, string? AccessKey, string? ClientId)
{
    /// <summary>Validates the body; <paramref name="blobName"/> stands in for <c>backupName</c> when the source is not one blob (a replication stream).</summary>
    public static StorageRequest Parse(JsonObject body, string apiVersion, string? blobName = null)
    {
        var problems = new List<ArmErrorDetail>();
        var identityAware = ApiVersions.AtLeast(apiVersion, ApiVersions.ManagedIdentityBackup);

        string? Text(string name, bool required)
        {
            var key = body.KeyOf(name);
            var node = key is null ? null : body[key];
            if (node is null)
            {
                if (required)
                {
                    problems.Add(new("ValidationError", $"'{name}' is required.", name));
                }

                return null;
            }

            if (node is JsonValue v && v.TryGetValue<string>(out var s))
            {
                if (s.Length == 0 && required)
                {
                    problems.Add(new("ValidationError", $"'{name}' must not be empty.", name));
                }

                return s;
            }

            problems.Add(new("ValidationError", $"'{name}' must be a string.", name));
            return null;
        }

        var account = Text("storageAccount", true);
        var container = Text("containerName", true);
        var blob = blobName ?? Text("backupName", true);
        var typeText = Text("accessType", false);
        var clientId = Text("clientId", false);
        var accessType = AccessType.AccessKey;
        if (typeText is not null)
        {
            if (!identityAware)
            {
                problems.Add(new("ValidationError", $"'accessType' needs api-version {ApiVersions.ManagedIdentityBackup} or later (the request uses {apiVersion}).", "accessType"));
            }
            else if (!Enum.TryParse(typeText, ignoreCase: true, out accessType) || int.TryParse(typeText, out _))
            {
                problems.Add(new("ValidationError", $"'accessType' value '{typeText}' is not one of: AccessKey, SystemAssignedManagedIdentity, UserAssignedManagedIdentity.", "accessType"));
            }
        }

        var key = Text("accessKey", accessType == AccessType.AccessKey);
        if (accessType == AccessType.UserAssignedManagedIdentity && string.IsNullOrEmpty(clientId))
        {
            problems.Add(new("ValidationError", "'clientId' is required when accessType is UserAssignedManagedIdentity.", "clientId"));
        }

        if (account is { Length: > 0 } && !AccountPattern().IsMatch(account))
        {
            problems.Add(new("ValidationError", $"'storageAccount' value '{account}' is not a storage account name (3-24 lower-case letters and digits).", "storageAccount"));
        }

        if (container is { Length: > 0 } && !ContainerPattern().IsMatch(container))
        {
            problems.Add(new("ValidationError", $"'containerName' value '{container}' is not a container name (3-63 lower-case letters, digits and single hyphens, starting and ending with a letter or digit).", "containerName"));
        }

        if (blob is { Length: > 1024 } || (blob is not null && (blob.EndsWith('/') || blob.Split('/').Any(s => s is "." or ".."))))
        {
            problems.Add(new("ValidationError", "'backupName' must be a blob name of at most 1024 characters, without '.' or '..' path segments.", "backupName"));
        }

        if (problems.Count > 0)
        {
            throw ArmErrors.Validation(problems);
        }

        return new StorageRequest(account!, container!, blob!, accessType, accessType == AccessType.AccessKey ? key : null, clientId);
    }

    /// <summary>The request without its access key, for the operation row and logs.</summary>
    public JsonObject ToStoredJson() => new()
    {
        ["storageAccount"] = StorageAccount,
        ["containerName"] = ContainerName,
        ["backupName"] = BackupName,
        ["accessType"] = AccessType.ToString(),
        ["clientId"] = ClientId,
    };

    /// <summary>The request of an operation another node accepted (or this node before a restart), its access key unsealed.</summary>
    public static StorageRequest FromOperation(OperationRecord operation, OperationSecrets secrets)
    {
        var json = operation.Request!["storage"]!.AsObject();
        var sealedKey = operation.Request[OperationSecrets.RequestMember]?["accessKey"]?.GetValue<string>();
        return new(
            json["storageAccount"]!.GetValue<string>(),
            json["containerName"]!.GetValue<string>(),
            json["backupName"]!.GetValue<string>(),
            Enum.Parse<AccessType>(json["accessType"]!.GetValue<string>()),
            sealedKey is null ? null : secrets.Unseal(operation.Id, sealedKey),
            json["clientId"]?.GetValue<string>());
    }

    /// <summary>Never print the key.</summary>
    public override string ToString() => $"{StorageAccount}/{ContainerName}/{BackupName} ({AccessType})";

    /// <summary>True for a name Azure Storage accepts as an account (3-24 lower-case letters and digits).</summary>
    public static bool IsAccountName(string? name) => name is not null && AccountPattern().IsMatch(name);

    /// <summary>True for a name Azure Storage accepts as a container.</summary>
    public static bool IsContainerName(string? name) => name is not null && ContainerPattern().IsMatch(name);

    [GeneratedRegex("^[a-z0-9]{3,24}$")]
    private static partial Regex AccountPattern();

    [GeneratedRegex("^(?=.{3,63}$)[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9]))*$")]
    private static partial Regex ContainerPattern();
}
