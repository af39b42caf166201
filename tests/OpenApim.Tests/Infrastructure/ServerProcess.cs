using System.Diagnostics;
using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;

namespace OpenApim.Tests.Infrastructure;

/// <summary>
/// OpenApim as a separate process started from the built assembly, for tests that kill it for real
/// (SIGKILL) and start it again on the same data directory.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _output = [];

    private ServerProcess(Process process, string dataDirectory)
    {
        _process = process;
        DataDirectory = dataDirectory;
    }

    public string DataDirectory { get; }

    public string Output { get { lock (_output) { return string.Join('\n', _output); } } }

    public static string ServerAssembly => Path.Combine(AppContext.BaseDirectory, "OpenApim.Server.dll");

    public static Task<ServerProcess> StartAsync(string dataDirectory, params string[] args) => StartAsync(dataDirectory, null, args);

    /// <summary>Starts the server with extra environment variables (e.g. a fixed bootstrap credential shared by several nodes).</summary>
    public static async Task<ServerProcess> StartAsync(string dataDirectory, IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // As in-process servers: services start empty unless a test asks for Azure's defaults.
        info.Environment["OPENAPIM_SERVICE_DEFAULTS"] = "none";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }

        foreach (var arg in (string[])[ServerAssembly, "--data-dir", dataDirectory, "--management-port", "0", "--gateway-port", "0", .. args])
        {
            info.ArgumentList.Add(arg);
        }

        var process = Process.Start(info)!;
        var server = new ServerProcess(process, dataDirectory);
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) => server.Record(e.Data, ready);
        process.ErrorDataReceived += (_, e) => server.Record(e.Data, null);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var finished = await Task.WhenAny(ready.Task, process.WaitForExitAsync(), Task.Delay(TimeSpan.FromSeconds(60)));
        if (finished != ready.Task)
        {
            await server.DisposeAsync();
            throw new InvalidOperationException($"The server did not become ready:\n{server.Output}");
        }

        return server;
    }

    /// <summary>
    /// Makes <paramref name="to"/> a second node of <paramref name="from"/>'s deployment (docs/operations.md): it gets a copy of
    /// the keys folder (data protection, signing and operation keys); a node that has not run yet is started once to create them.
    /// </summary>
    public static async Task ShareKeysAsync(string from, string to, IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        if (!Directory.Exists(Path.Combine(from, "keys")))
        {
            await using var first = await StartAsync(from, environment, args);
        }

        CopyKeys(from, to);
    }

    /// <summary>Copies the keys folder of the data directory <paramref name="from"/> into <paramref name="to"/> (in-process nodes too).</summary>
    public static void CopyKeys(string from, string to)
    {
        var keys = Path.Combine(from, "keys");
        foreach (var file in Directory.EnumerateFiles(keys, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, "keys", Path.GetRelativePath(keys, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target, overwrite: true);
        }
    }

    /// <summary>SIGKILL: no shutdown hooks, no flushing, exactly like a crash.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    /// <summary>An ARM client of this node, as the bootstrap administrator (from the generated file, or as given).</summary>
    public async Task<ArmClient> CreateArmClientAsync(string? clientId = null, string? clientSecret = null)
    {
        var endpoints = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(DataDirectory, "endpoints.json")))!;
        var certificate = X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(endpoints["certificatePath"]!.GetValue<string>()));
        var credentials = clientId is not null
            ? new JsonObject { ["clientId"] = clientId, ["clientSecret"] = clientSecret }
            : JsonNode.Parse(await File.ReadAllTextAsync(endpoints["bootstrapCredentialsPath"]!.GetValue<string>()))!;
        var http = new HttpClient(new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, cert, _, _) => cert?.Thumbprint == certificate.Thumbprint,
        })
        { BaseAddress = new Uri(endpoints["managementUrl"]!.GetValue<string>()) };
        using var token = await http.PostAsync(endpoints["tokenUrl"]!.GetValue<string>(), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = credentials["clientId"]!.GetValue<string>(),
            ["client_secret"] = credentials["clientSecret"]!.GetValue<string>(),
            ["scope"] = "https://management.azure.com/.default",
        }));
        var accessToken = JsonNode.Parse(await token.Content.ReadAsStringAsync())!["access_token"]!.GetValue<string>();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        return new ArmClient(http);
    }

    /// <summary>Runs <c>OpenApim.Server seed ...</c> to completion.</summary>
    public static async Task SeedAsync(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in (string[])[ServerAssembly, "seed", .. args])
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var output = await process.StandardOutput.ReadToEndAsync() + await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, output);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private void Record(string? line, TaskCompletionSource? ready)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.Add(line);
        }

        if (line.Contains("OpenApim ready", StringComparison.Ordinal))
        {
            ready?.TrySetResult();
        }
    }
}
