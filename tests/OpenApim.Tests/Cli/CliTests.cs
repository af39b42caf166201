using System.Diagnostics;
using System.IO.Compression;
using System.Text.Json.Nodes;
using OpenApim.Tests.Infrastructure;

namespace OpenApim.Tests.Cli;

/// <summary>
/// The <c>openapim</c> CLI as a process against a server process and Azurite, as an operator runs it: login (the profile file
/// 0600, no secret in it), create, import, backup with progress, backup list and verify (and a corrupted archive caught),
/// restore, a drill that passes and one that fails because the standby differs, and the documented exit codes.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class CliTests : IAsyncLifetime
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "openapim-tests", "cli-" + Guid.NewGuid().ToString("N"));
    private ServerProcess _server = null!;
    private JsonNode _endpoints = null!;

    private static string CliAssembly => Path.Combine(AppContext.BaseDirectory, "openapim.dll");

    public async Task InitializeAsync()
    {
        _server = await ServerProcess.StartAsync(Path.Combine(_root, "server"), Azurite.ServerArgs);
        _endpoints = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(_server.DataDirectory, "endpoints.json")))!;
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private sealed record Run(int Exit, string Out, string Error)
    {
        public JsonNode Json => JsonNode.Parse(Out) ?? throw new InvalidOperationException("no JSON on stdout");

        public override string ToString() => $"exit {Exit}\nstdout:\n{Out}\nstderr:\n{Error}";
    }

    private async Task<Run> CliAsync(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(CliAssembly);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["OPENAPIM_CONFIG_DIR"] = Path.Combine(_root, "config");
        info.Environment["SSL_CERT_FILE"] = _endpoints["certificatePath"]!.GetValue<string>();
        foreach (var name in new[] { "OPENAPIM_ENDPOINT", "OPENAPIM_TENANT_ID", "OPENAPIM_CLIENT_ID", "OPENAPIM_CLIENT_SECRET" })
        {
            info.Environment.Remove(name);
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return new Run(process.ExitCode, await stdout, await stderr);
    }

    private static string[] Storage(string container) =>
        ["--storage-account-name", Azurite.Account, "--storage-account-key", Azurite.Key, "--storage-account-container", container];

    private static string[] Catalog(string container) =>
        ["--storage-account-name", Azurite.Account, "--storage-account-key", Azurite.Key, "--container-name", container, "--blob-endpoint", $"{Azurite.Url}/{Azurite.Account}"];

    [Fact]
    public async Task An_operator_backs_up_lists_verifies_restores_and_drills_with_the_cli_alone()
    {
        var credentials = JsonNode.Parse(await File.ReadAllTextAsync(_endpoints["bootstrapCredentialsPath"]!.GetValue<string>()))!;
        var secret = credentials["clientSecret"]!.GetValue<string>();
        var login = await CliAsync("login", "--endpoint", _endpoints["managementUrl"]!.GetValue<string>(), "--tenant", _endpoints["tenantId"]!.GetValue<string>(),
            "--client-id", credentials["clientId"]!.GetValue<string>(), "--client-secret", secret, "--output", "json");
        Assert.True(login.Exit == 0, login.ToString());
        var profiles = Path.Combine(_root, "config", "profiles.json");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(profiles));
        Assert.DoesNotContain(secret, await File.ReadAllTextAsync(profiles), StringComparison.Ordinal);
        Assert.Equal("00000000-0000-0000-0000-000000000001", login.Json["subscription"]!.GetValue<string>());

        var create = await CliAsync("apim", "create", "-g", "rg1", "-n", "cli-primary", "--sku-name", "Developer", "--location", "westeurope", "--publisher-email", "ops@example.com", "--publisher-name", "Ops", "-o", "json");
        Assert.True(create.Exit == 0, create.ToString());
        Assert.Equal("Succeeded", create.Json["properties"]!["provisioningState"]!.GetValue<string>());

        await using var backend = await EchoBackend.StartAsync();
        var spec = Path.Combine(_root, "pets.yaml");
        await File.WriteAllTextAsync(spec, """
            openapi: 3.0.1
            info: { title: Pets, version: "1.0" }
            paths:
              /pets/{id}:
                get:
                  operationId: getPet
                  parameters: [{ name: id, in: path, required: true, schema: { type: string } }]
                  responses: { "200": { description: ok } }
            """);
        var import = await CliAsync("api", "import", "-g", "rg1", "-n", "cli-primary", "--api-id", "pets", "--path", "pets", "--specification-format", "OpenApi",
            "--specification-path", spec, "--service-url", backend.Url, "-o", "json");
        Assert.True(import.Exit == 0, import.ToString());
        var subscription = await CliAsync("subscription", "create", "-g", "rg1", "-n", "cli-primary", "--sid", "s1", "--scope", "/apis", "--primary-key", "cli-key-1", "-o", "json");
        Assert.True(subscription.Exit == 0, subscription.ToString());
        Assert.DoesNotContain("cli-key-1", subscription.Out, StringComparison.Ordinal);
        var keys = await CliAsync("subscription", "keys", "-g", "rg1", "-n", "cli-primary", "--sid", "s1", "-o", "json");
        Assert.Equal("cli-key-1", keys.Json["primaryKey"]!.GetValue<string>());

        var container = await Azurite.NewContainerAsync();
        var backup = await CliAsync(["apim", "backup", "-g", "rg1", "-n", "cli-primary", "--backup-name", "first.apimbackup", .. Storage(container)]);
        Assert.True(backup.Exit == 0, backup.ToString());
        Assert.Contains("backup", backup.Error, StringComparison.Ordinal); // progress while it polls
        Assert.Contains("Succeeded", backup.Out, StringComparison.Ordinal);

        var list = await CliAsync(["backup", "list", .. Catalog(container), "-o", "json"]);
        Assert.True(list.Exit == 0, list.ToString());
        var listed = list.Json["backups"]!.AsArray().Single()!;
        Assert.Equal("first.apimbackup", listed["name"]!.GetValue<string>());
        Assert.Equal("cli-primary", listed["source"]!.GetValue<string>());
        Assert.Equal("Developer", listed["sku"]!.GetValue<string>());
        Assert.Equal(1, listed["counts"]!["apis"]!.GetValue<long>());

        var verify = await CliAsync(["backup", "verify", .. Catalog(container), "--backup-name", "first.apimbackup", "-o", "json"]);
        Assert.True(verify.Exit == 0, verify.ToString());
        Assert.True(verify.Json["passed"]!.GetValue<bool>());

        // A copy whose API part was edited: the part no longer matches its checksum in the manifest.
        var original = await Azurite.DownloadAsync(container, "first.apimbackup");
        await Azurite.UploadAsync(container, "edited.apimbackup", Edit(original, "parts/apis.ndjson", text => text.Replace("pets", "cats", StringComparison.Ordinal)));
        var corrupted = await CliAsync(["backup", "verify", .. Catalog(container), "--backup-name", "edited.apimbackup", "-o", "json"]);
        Assert.True(corrupted.Exit == 1, corrupted.ToString());
        Assert.False(corrupted.Json["passed"]!.GetValue<bool>());
        Assert.Contains("ERROR: BackupCorrupted", corrupted.Error, StringComparison.Ordinal);

        var restore = await CliAsync(["apim", "restore", "-g", "rg2", "-n", "cli-copy", "--backup-name", "first.apimbackup", .. Storage(container)]);
        Assert.Equal(1, restore.Exit); // no such service yet: the ARM error, exit 1
        Assert.Contains("ERROR: ResourceNotFound", restore.Error, StringComparison.Ordinal);

        var drill = await CliAsync(["drill", "-g", "rg1", "-n", "cli-primary", "--standby-resource-group", "rg2", "--standby-name", "cli-standby", .. Storage(container),
            "--report", Path.Combine(_root, "drill.html"), "--output", "json"]);
        Assert.True(drill.Exit == 0, drill.ToString());
        var result = drill.Json;
        Assert.True(result["passed"]!.GetValue<bool>(), drill.ToString());
        Assert.Empty(result["differences"]!.AsArray());
        Assert.InRange(result["recoveryPointSeconds"]!.GetValue<double>(), 0, 120);
        Assert.InRange(result["recoveryTimeSeconds"]!.GetValue<double>(), 0, 120);
        var smoke = result["smoke"]!.AsArray().Single()!;
        Assert.Equal(200, smoke["standbyStatus"]!.GetValue<int>());
        Assert.Contains("<h2>Timeline</h2>", await File.ReadAllTextAsync(Path.Combine(_root, "drill.html")), StringComparison.Ordinal);

        // A change after the backup the drill is told to restore: the standby differs and the drill says what differs.
        var later = await CliAsync("api", "create", "-g", "rg1", "-n", "cli-primary", "--api-id", "later", "--path", "later", "--service-url", backend.Url);
        Assert.True(later.Exit == 0, later.ToString());
        var stale = await CliAsync(["drill", "-g", "rg1", "-n", "cli-primary", "--standby-resource-group", "rg2", "--standby-name", "cli-standby", .. Storage(container),
            "--backup-name", "first.apimbackup", "--output", "json"]);
        Assert.True(stale.Exit == 1, stale.ToString());
        Assert.False(stale.Json["passed"]!.GetValue<bool>());
        Assert.Contains(stale.Json["differences"]!.AsArray(), d => d!.GetValue<string>() == "missing on the standby: apis/later");

        // --use-latest restores the primary's newest good backup, found by the manifests in the container, not a new one.
        var latest = await CliAsync(["apim", "backup", "-g", "rg1", "-n", "cli-primary", "--backup-name", "latest.apimbackup", .. Storage(container)]);
        Assert.True(latest.Exit == 0, latest.ToString());
        var newest = await CliAsync(["drill", "-g", "rg1", "-n", "cli-primary", "--standby-resource-group", "rg2", "--standby-name", "cli-standby", .. Storage(container),
            "--use-latest", "--blob-endpoint", $"{Azurite.Url}/{Azurite.Account}", "--output", "json"]);
        Assert.True(newest.Exit == 0, newest.ToString());
        Assert.Equal("latest.apimbackup", newest.Json["backupName"]!.GetValue<string>());
        Assert.DoesNotContain(newest.Json["timeline"]!.AsArray(), s => s!["step"]!.GetValue<string>() == "back up the primary");

        // An id of '..' would address the service itself; it is refused before anything is sent.
        var dots = await CliAsync("api", "delete", "-g", "rg1", "-n", "cli-primary", "--api-id", "..");
        Assert.Equal(2, dots.Exit);
        Assert.Contains("--api-id cannot be '..'", dots.Error, StringComparison.Ordinal);
        Assert.Equal(0, (await CliAsync("apim", "show", "-g", "rg1", "-n", "cli-primary")).Exit);

        // A blob that is not an archive is listed with its problem; the rest of the listing goes on.
        await Azurite.UploadAsync(container, "notes.txt", System.Text.Encoding.UTF8.GetBytes("not a backup"));
        var mixed = await CliAsync(["backup", "list", .. Catalog(container), "-o", "json"]);
        Assert.True(mixed.Exit == 0, mixed.ToString());
        Assert.Contains(mixed.Json["backups"]!.AsArray(), b => b!["name"]!.GetValue<string>() == "notes.txt" && b["problem"] is not null);
        Assert.Contains(mixed.Json["backups"]!.AsArray(), b => b!["name"]!.GetValue<string>() == "first.apimbackup" && b["problem"] is null);

        // A drill whose backup fails still prints its result: not passed, with the failed step's ARM error.
        var broken = await CliAsync(["drill", "-g", "rg1", "-n", "cli-primary", "--standby-resource-group", "rg2", "--standby-name", "cli-standby",
            .. Storage("no-such-container-" + Guid.NewGuid().ToString("N")[..8]), "--output", "json"]);
        Assert.True(broken.Exit == 1, broken.ToString());
        Assert.False(broken.Json["passed"]!.GetValue<bool>());
        Assert.Equal("BackupFailed", broken.Json["error"]!["code"]!.GetValue<string>());
        Assert.Contains("ERROR: BackupFailed", broken.Error, StringComparison.Ordinal);

        var missing = await CliAsync("apim", "backup", "-g", "rg1", "-n", "cli-primary");
        Assert.Equal(2, missing.Exit);
        Assert.Contains("--backup-name", missing.Error, StringComparison.Ordinal);
        Assert.Equal(2, (await CliAsync("apim", "frobnicate")).Exit);
        var completion = await CliAsync("completion", "bash");
        Assert.Contains("complete -o default -F _openapim_complete openapim", completion.Out, StringComparison.Ordinal);
        Assert.Contains("apim", (await CliAsync("[suggest:11]", "openapim ap")).Out, StringComparison.Ordinal);
        var help = await CliAsync("drill", "--help");
        Assert.Equal(0, help.Exit);
        Assert.Contains("--standby-name", help.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Environment_variables_stand_in_for_login_and_a_wrong_secret_fails_with_the_issuers_code()
    {
        var credentials = JsonNode.Parse(await File.ReadAllTextAsync(_endpoints["bootstrapCredentialsPath"]!.GetValue<string>()))!;
        var wrong = await CliAsync("login", "--endpoint", _endpoints["managementUrl"]!.GetValue<string>(), "--tenant", _endpoints["tenantId"]!.GetValue<string>(),
            "--client-id", credentials["clientId"]!.GetValue<string>(), "--client-secret", "not-the-secret");
        Assert.Equal(1, wrong.Exit);
        Assert.Contains("ERROR: AuthenticationFailed: invalid_client", wrong.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-secret", wrong.Error + wrong.Out, StringComparison.Ordinal);
        Assert.Equal(2, (await CliAsync("login", "--tenant", "x")).Exit);
    }

    private static byte[] Edit(byte[] archive, string entryName, Func<string, string> edit)
    {
        using var copy = new MemoryStream();
        copy.Write(archive);
        using (var zip = new ZipArchive(copy, ZipArchiveMode.Update, leaveOpen: true))
        {
            var entry = zip.GetEntry(entryName)!;
            string text;
            using (var reader = new StreamReader(entry.Open()))
            {
                text = reader.ReadToEnd();
            }

            entry.Delete();
            using var writer = new StreamWriter(zip.CreateEntry(entryName).Open());
            writer.Write(edit(text));
        }

        return copy.ToArray();
    }
}
