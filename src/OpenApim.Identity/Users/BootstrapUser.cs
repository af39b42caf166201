using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using OpenApim.Resources.Hosting;

namespace OpenApim.Identity.Users;

/// <summary>
/// The administrator who can sign in to the console from the first start: taken from
/// <c>OPENAPIM_BOOTSTRAP_USER_NAME</c>/<c>OPENAPIM_BOOTSTRAP_USER_PASSWORD</c>, or with a password generated once
/// (user name <c>admin</c> unless set) and written owner-only to <c>bootstrap-user.json</c> in the data directory.
/// </summary>
public sealed class BootstrapUser
{
    public const string FileName = "bootstrap-user.json";

    public const string DefaultUserName = "admin";

    private BootstrapUser(string userName, string password, string? path)
    {
        UserName = userName;
        Password = password;
        FilePath = path;
    }

    public string UserName { get; }

    /// <summary>Kept until the account is ensured at start (<see cref="Forget"/>), then only as its hash in the directory.</summary>
    internal string Password { get; private set; }

    internal void Forget() => Password = "";

    /// <summary>The file holding a generated password, or null when it came from the environment.</summary>
    public string? FilePath { get; }

    public static BootstrapUser Load(IdentityOptions options)
    {
        if (!string.IsNullOrEmpty(options.BootstrapUserName) && !string.IsNullOrEmpty(options.BootstrapUserPassword))
        {
            Users.UserName.Require(options.BootstrapUserName);
            Users.UserName.RequirePassword(options.BootstrapUserPassword);
            return new BootstrapUser(options.BootstrapUserName.ToLowerInvariant(), options.BootstrapUserPassword, null);
        }

        var path = Path.Combine(options.DataDirectory, FileName);
        var userName = string.IsNullOrEmpty(options.BootstrapUserName) ? DefaultUserName : Users.UserName.Require(options.BootstrapUserName);
        if (File.Exists(path))
        {
            var doc = JsonNode.Parse(File.ReadAllText(path))!;
            var kept = doc["password"]!.GetValue<string>();
            if (!string.Equals(Users.UserName.Require(doc["userName"]!.GetValue<string>()), userName, StringComparison.Ordinal))
            {
                // OPENAPIM_BOOTSTRAP_USER_NAME changed: the file keeps its password and says the new name, so the banner stays true.
                Write(path, userName, kept);
            }

            return new BootstrapUser(userName, kept, path);
        }

        // 20 characters from an alphabet without look-alikes (no 0/O, 1/l/I): about 115 bits, easy to type from the banner.
        var password = RandomNumberGenerator.GetString("abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789", 20);
        Write(path, userName, password);
        return new BootstrapUser(userName, password, path);
    }

    private static void Write(string path, string userName, string password) =>
        LocalFiles.WriteSecret(path, new JsonObject { ["userName"] = userName, ["password"] = password }.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
}
