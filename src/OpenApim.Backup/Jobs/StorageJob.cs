using System.Diagnostics;
using System.Text.Json.Nodes;
using OpenApim.Backup.Requests;
using OpenApim.Backup.Storage;
using OpenApim.Backup.Telemetry;
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
        BackupMetrics metrics,
        TimeProvider time,
        Func<string, string, ArmException> fail,
        Func<StorageJob, Task<JsonObject?>> work)
    {
        var op = context.Operation;
        var service = ServiceRef.FromId(op.ServiceId);
        using var activity = BackupMetrics.Activities.StartActivity($"{op.Kind} {service.Name}");
        activity?.SetTag("openapim.operation.id", op.Id);
        var started = time.GetTimestamp();
        JsonObject? result = null;
        string? errorCode = "Interrupted";
        LocalFiles.CreatePrivateDirectory(options.WorkDirectory);
        var file = Path.Combine(options.WorkDirectory, $"{op.Kind}-{op.Id}.zip");
        try
        {
            var request = StorageRequest.FromOperation(op, secrets);
            result = await work(new StorageJob(context, request, service, file, time.GetUtcNow()));
            errorCode = null;
            return result;
        }
        catch (StorageException e)
        {
            var failure = fail(e.Problem.ToString(), e.Message);
            errorCode = failure.Code;
            throw failure;
        }
        catch (ArmException e)
        {
            errorCode = e.Code;
            throw;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            errorCode = "InternalError";
            throw;
        }
        finally
        {
            File.Delete(file);
            metrics.Job(op.Kind, service.Name, time.GetElapsedTime(started), result, errorCode);
            activity?.SetStatus(errorCode is null ? ActivityStatusCode.Ok : ActivityStatusCode.Error, errorCode);
        }
    }
}
