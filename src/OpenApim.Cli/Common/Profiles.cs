using System.Text.Json;
using System.Text.Json.Serialization;

namespace OpenApim.Cli.Common;

/// <summary>
/// A login: where (endpoint, authority, tenant), as whom (client id), which subscription, which certificate to trust, and the
/// cached access token. The client secret is kept only when login was told <c>--save-secret</c> (in clear, in a 0600 file).
/// </summary>
internal sealed record Profile
{
    public required string Endpoint { get; init; }

    public required string Authority { get; init; }

    public required string Tenant { get; init; }

    public required string ClientId { get; init; }

    public string? Subscription { get; init; }

    public string? CaFile { get; init; }

    public string? AccessToken { get; init; }

    public DateTimeOffset? ExpiresOn { get; init; }

    public string? ClientSecret { get; init; }
}

/// <summary>
/// <c>profiles.json</c> in <c>OPENAPIM_CONFIG_DIR</c> (default <c>~/.openapim</c>): one profile per name, the folder 0700 and
/// the file 0600 because it holds access tokens.
/// </summary>
internal static class Profiles
{
    private static readonly JsonSerializerOptions Options = new() { WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    public static string Directory => Environment.GetEnvironmentVariable("OPENAPIM_CONFIG_DIR") is { Length: > 0 } dir
        ? dir
        : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".openapim");

    public static string FilePath => Path.Combine(Directory, "profiles.json");

    public static Dictionary<string, Profile> ReadAll()
    {
        if (!File.Exists(FilePath))
        {
            return new(StringComparer.Ordinal);
        }

        try
        {
            return JsonSerializer.Deserialize<Dictionary<string, Profile>>(File.ReadAllText(FilePath), Options) is { } all
                ? new(all, StringComparer.Ordinal)
                : new(StringComparer.Ordinal);
        }
        catch (JsonException e)
        {
            throw new CliFailure("ProfileUnreadable", $"{FilePath} is not a profiles file ({e.Message}); remove it and log in again.");
        }
    }

    public static Profile? Read(string name) => ReadAll().GetValueOrDefault(name);

    public static void Save(string name, Profile profile)
    {
        var all = ReadAll();
        all[name] = profile;
        System.IO.Directory.CreateDirectory(Directory);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(Directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        var temp = FilePath + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        File.Delete(temp);
        using (var file = new FileStream(temp, options))
        {
            JsonSerializer.Serialize(file, all, Options);
        }

        File.Move(temp, FilePath, overwrite: true);
    }
}
