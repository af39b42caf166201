using System.Text.Json.Nodes;
using OpenApim.Backup.Requests;
using OpenApim.Backup.Storage;
using OpenApim.Resources.Arm;
using OpenApim.Resources.Hosting;
using OpenApim.Resources.Operations;

namespace OpenApim.Backup.Jobs;

/// <summary>
/// What a backup or restore job works with, and the frame both run in: the storage request recovered from the operation's
/// record (its access key unsealed, on whichever node runs it), the service, and a private work file that is removed
/// whatever happens. Storage failures end the job with its own ARM error (<c>BackupFailed</c> or <c>RestoreFailed</c>).
/// </summary>
internal sealed record StorageJob(OperationContext Context, StorageRequest Request, ServiceRef Service, string WorkFile, DateTimeOffset Started)
{
    public OperationRecord Operation => Context.Operation;

    public CancellationToken Cancellation => Context.Cancellation;

    public static async Task<JsonObject?> RunAsync(
        OperationContext context,
        OperationSecrets secrets,
        JobOptions options,
        TimeProvider time,
        Func<string, string, ArmException> fail,
        Func<StorageJob, Task<JsonObject?>> work)
    {
        var op = context.Operation;
        var request = StorageRequest.FromOperation(op, secrets);
        LocalFiles.CreatePrivateDirectory(options.WorkDirectory);
        var file = Path.Combine(options.WorkDirectory, $"{op.Kind}-{op.Id}.zip");
        try
        {
            return await work(new StorageJob(context, request, ServiceRef.FromId(op.ServiceId), file, time.GetUtcNow()));
        }
        catch (StorageException e)
        {
            throw fail(e.Problem.ToString(), e.Message);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
