using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenApim.Resources.Operations;
using OpenApim.Resources.Store.Journal;
using OpenApim.Resources.Usage;

namespace OpenApim.Resources.Store.Sql;

/// <summary>The stores on one SQL database (SQLite or PostgreSQL), registered together; the implementations stay internal.</summary>
public static class SqlStorage
{
    /// <summary>Registers the resource, deleted-service, operation, directory and usage stores on <paramref name="dialect"/>'s database.</summary>
    public static IServiceCollection AddSqlStores(this IServiceCollection services, SqlDialect dialect)
    {
        services.AddSingleton(dialect);
        services.AddSingleton<IResourceStore>(sp => new SqlResourceStore(dialect, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IOperationStore>(sp => new SqlOperationStore(dialect, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IDirectoryStore>(sp => new SqlDirectoryStore(dialect, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IDeletedServiceStore>(sp => new SqlDeletedServiceStore(dialect, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new SqlJournal(dialect, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IChangeJournal>(sp => sp.GetRequiredService<SqlJournal>());
        services.AddSingleton(dialect.JournalCommitted);
        services.AddHostedService(sp => new JournalListener(dialect, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<JournalListener>>()));
        services.AddSingleton<IUsageStore>(new SqlUsageStore(dialect));
        return services;
    }

    /// <summary>A resource store on its own (the seed tool bulk-loads through it without a host).</summary>
    public static IResourceStore ResourceStore(SqlDialect dialect, TimeProvider time) => new SqlResourceStore(dialect, time);
}
