using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenApim.Backup.Jobs;
using OpenApim.Backup.Replication;
using OpenApim.Backup.Schedules;
using OpenApim.Backup.Storage;
using OpenApim.Backup.Telemetry;
using OpenApim.Resources.Hosting;
using OpenApim.Resources.Model;
using OpenApim.Resources.Operations;
using OpenApim.Resources.Store;

namespace OpenApim.Backup;

/// <summary>Registers the backup engine: the service actions, their operation handlers and the blob targets.</summary>
public static class BackupModule
{
    public static IServiceCollection AddBackup(this IServiceCollection services, BackupOptions options)
    {
        services.AddSingleton(options.Storage);
        services.AddSingleton(options.Jobs);
        services.AddSingleton<BlobTargets>();
        services.AddSingleton(sp => new Catalog.ContainerCatalogs(options.Storage, options.Jobs, sp.GetRequiredService<TimeProvider>()));
        services.AddMetrics();
        services.AddSingleton<BackupMetrics>();
        foreach (var name in new[] { OperationKinds.Backup, OperationKinds.Restore, RestoreJob.PreviewKind })
        {
            services.AddSingleton<IServiceAction>(sp => new StorageAction(name, sp.GetRequiredService<IResourceStore>(), sp.GetRequiredService<OperationRunner>(),
                sp.GetRequiredService<OperationSecrets>(), sp.GetRequiredService<TimeProvider>()));
        }

        services.AddSingleton<IOperationHandler, BackupJob>();
        services.AddSingleton<IOperationHandler>(sp => Restore(sp, preview: false));
        services.AddSingleton<IOperationHandler>(sp => Restore(sp, preview: true));
        services.AddHostedService<WorkFolderCleanup>();
        services.AddSingleton<ReplicationBoard>();
        services.AddSingleton<IPointInTimeReplay, StreamReplay>();
        services.AddSingleton<IServiceAction, Promotion.Action>();
        services.AddSingleton<IEntityStatus, ReplicationStatusSource>();
        services.AddSingleton<IOperationHandler, Promotion>();
        services.AddHostedService<ReplicationHost>();
        services.AddSingleton<ScheduleHost>();
        services.AddHostedService(sp => sp.GetRequiredService<ScheduleHost>());
        services.AddSingleton<IEntityStatus, ScheduleStatusSource>();
        return services;
    }

    private static RestoreJob Restore(IServiceProvider sp, bool preview) => new(
        sp.GetRequiredService<IResourceStore>(),
        sp.GetService<IContentStaging>(),
        sp.GetRequiredService<BlobTargets>(),
        sp.GetRequiredService<IPointInTimeReplay>(),
        sp.GetRequiredService<JobOptions>(),
        sp.GetRequiredService<OperationSecrets>(),
        sp.GetRequiredService<BackupMetrics>(),
        sp.GetRequiredService<TimeProvider>(),
        sp.GetRequiredService<ILogger<RestoreJob>>(),
        preview);

    /// <summary>Removes archives left in the work folder by a process that was killed mid-operation.</summary>
    private sealed class WorkFolderCleanup(JobOptions jobs, StorageOptions storage) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            if (Directory.Exists(jobs.WorkDirectory))
            {
                // Only what an earlier process left: an operation this process already resumed may be writing its archive here.
                using var self = System.Diagnostics.Process.GetCurrentProcess();
                var processStarted = self.StartTime.ToUniversalTime();
                foreach (var file in Directory.EnumerateFiles(jobs.WorkDirectory, "*.zip").Where(f => File.GetLastWriteTimeUtc(f) < processStarted))
                {
                    File.Delete(file);
                }
            }

            if (storage.EndpointTemplate is null)
            {
                // The embedded default account has a 'backups' container so the quick start needs no setup.
                LocalFiles.CreatePrivateDirectory(storage.LocalRoot);
                LocalFiles.CreatePrivateDirectory(Path.Combine(storage.LocalRoot, StorageOptions.DevelopmentAccount));
                LocalFiles.CreatePrivateDirectory(Path.Combine(storage.LocalRoot, StorageOptions.DevelopmentAccount, "backups"));
            }

            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
