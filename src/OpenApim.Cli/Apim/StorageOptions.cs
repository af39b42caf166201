using System.CommandLine;
using System.Text.Json.Nodes;
using OpenApim.Cli.Common;

namespace OpenApim.Cli.Apim;

/// <summary>The Azure CLI's storage options of <c>az apim backup|restore</c>, and the request body they make.</summary>
internal sealed class StorageOptions
{
    public Option<string> BackupName { get; } = CommonOptions.Required("--backup-name", "Name of the backup blob.");

    public Option<string> Account { get; } = CommonOptions.Required("--storage-account-name", "Storage account name.");

    public Option<string?> Key { get; } = CommonOptions.Optional("--storage-account-key", "Storage account key (with --access-type AccessKey).");

    public Option<string> Container { get; } = CommonOptions.Required("--storage-account-container", "Container of the backup (it must exist).", "--container-name");

    public Option<string> AccessType { get; } = new("--access-type")
    {
        Description = "AccessKey, SystemAssignedManagedIdentity or UserAssignedManagedIdentity.",
        DefaultValueFactory = _ => "AccessKey",
    };

    public Option<string?> ClientId { get; } = CommonOptions.Optional("--identity-client-id", "Client id of the user-assigned managed identity.");

    public StorageOptions(bool backupNameRequired = true)
    {
        AccessType.AcceptOnlyFromAmong("AccessKey", "SystemAssignedManagedIdentity", "UserAssignedManagedIdentity");
        BackupName.Required = backupNameRequired;
    }

    public void AddTo(Command command)
    {
        command.Options.Add(BackupName);
        command.Options.Add(Account);
        command.Options.Add(Key);
        command.Options.Add(Container);
        command.Options.Add(AccessType);
        command.Options.Add(ClientId);
    }

    public JsonObject Body(CliContext context)
    {
        var type = context.Get(AccessType);
        var key = context.Get(Key);
        if (type == "AccessKey" && key is null)
        {
            throw CliFailure.Usage("--storage-account-key is required with --access-type AccessKey.");
        }

        var body = new JsonObject { ["storageAccount"] = context.Get(Account), ["containerName"] = context.Get(Container) };
        if (context.Get(BackupName) is { } name)
        {
            body["backupName"] = name;
        }

        if (type == "AccessKey")
        {
            body["accessKey"] = key;
        }
        else
        {
            body["accessType"] = type;
            body["clientId"] = context.Get(ClientId);
        }

        return body;
    }
}
