using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace OpenApim.Tests.Infrastructure;

/// <summary>
/// A throwaway PostgreSQL cluster for a plain <c>dotnet test</c> (scripts/test.sh starts one and passes it in
/// OPENAPIM_TEST_POSTGRES instead): initdb in a temporary folder, the server on a free loopback port, run as the
/// <c>postgres</c> user when the tests run as root (PostgreSQL refuses root), stopped and removed when the test process exits.
/// </summary>
internal sealed class PostgresCluster
{
    private const string Prefix = "openapim-pg-";

    private static readonly Lazy<PostgresCluster> Shared = new(Start, LazyThreadSafetyMode.ExecutionAndPublication);

    private readonly string _bin;
    private readonly string _folder;
    private readonly bool _asPostgresUser;

    private PostgresCluster(string bin, string folder, bool asPostgresUser, int port)
    {
        _bin = bin;
        _folder = folder;
        _asPostgresUser = asPostgresUser;
        ConnectionString = $"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres;Pooling=true;Maximum Pool Size=40";
    }

    public string ConnectionString { get; }

    /// <summary>The cluster of this test process, started on first use.</summary>
    public static PostgresCluster Instance => Shared.Value;

    private static PostgresCluster Start()
    {
        var bin = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")).Where(d => File.Exists(Path.Combine(d, "initdb")))
                .OrderBy(d => Version.TryParse(Path.GetFileName(Path.GetDirectoryName(d)), out var v) ? v : new Version(0, 0)).LastOrDefault()
            : null;
        if (bin is null)
        {
            throw new InvalidOperationException(
                "PostgreSQL tests need a server: set OPENAPIM_TEST_POSTGRES to an admin connection string, or install PostgreSQL (initdb under /usr/lib/postgresql/*/bin).");
        }

        SweepStale();
        var folder = Directory.CreateTempSubdirectory(Prefix).FullName;
        var root = Environment.UserName == "root";
        if (root)
        {
            Run("/bin/sh", "-c", "id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres");
            Run("chown", "postgres:postgres", folder);
        }

        var port = FreePort();
        var cluster = new PostgresCluster(bin, folder, root, port);
        cluster.RunPg("initdb", "-D", Path.Combine(folder, "data"), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync");
        cluster.RunPg("pg_ctl", "-D", Path.Combine(folder, "data"), "-l", Path.Combine(folder, "server.log"), "-w", "-t", "60", "-o",
            $"-c listen_addresses=127.0.0.1 -p {port} -k {folder} -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300", "start");
        AppDomain.CurrentDomain.ProcessExit += (_, _) => cluster.Stop();
        var pgCtl = Watchdog.Quote(Path.Combine(bin, "pg_ctl"));
        var data = Watchdog.Quote(Path.Combine(folder, "data"));
        Watchdog.OnExit($"{(root ? "runuser -u postgres -- " : "")}{pgCtl} -D {data} -m immediate -w stop >/dev/null 2>&1; rm -rf {Watchdog.Quote(folder)}");
        return cluster;
    }

    /// <summary>
    /// Removes the folders of clusters whose server is gone: a test host is sometimes ended before its exit handler has
    /// deleted its cluster's files.
    /// </summary>
    private static void SweepStale()
    {
        foreach (var folder in Directory.GetDirectories(Path.GetTempPath(), Prefix + "*"))
        {
            var pidFile = Path.Combine(folder, "data", "postmaster.pid");
            var alive = File.Exists(pidFile) && int.TryParse(File.ReadLines(pidFile).FirstOrDefault(), out var pid) && Directory.Exists($"/proc/{pid}");
            if (!alive && Directory.GetLastWriteTimeUtc(folder) < DateTime.UtcNow.AddMinutes(-1))
            {
                try
                {
                    Directory.Delete(folder, recursive: true);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                }
            }
        }
    }

    private void Stop()
    {
        try
        {
            RunPg("pg_ctl", "-D", Path.Combine(_folder, "data"), "-m", "immediate", "-w", "stop");
        }
        catch (InvalidOperationException)
        {
        }

        // The server's last files can still be closing when pg_ctl returns.
        for (var attempt = 0; attempt < 20 && Directory.Exists(_folder); attempt++)
        {
            try
            {
                Directory.Delete(_folder, recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Thread.Sleep(100);
            }
        }
    }

    private void RunPg(string tool, params string[] args) =>
        Run(_asPostgresUser ? "runuser" : Path.Combine(_bin, tool), _asPostgresUser ? ["-u", "postgres", "--", Path.Combine(_bin, tool), .. args] : args);

    private static void Run(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(90)) || process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed: {output.Result}{error.Result}");
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
