using System.Text.RegularExpressions;
using OpenApim.Resources.Arm;

namespace OpenApim.Identity.Users;

/// <summary>User names: 1 to 64 ASCII letters, digits and <c>. _ @ -</c>, starting with a letter or digit; compared case-insensitively.</summary>
internal static partial class UserName
{
    public const int MinPasswordLength = 12;

    public const int MaxPasswordLength = 256;

    public static bool IsValid(string? name) => name is not null && Pattern().IsMatch(name);

    public static string Require(string name) => IsValid(name)
        ? name.ToLowerInvariant()
        : throw ArmErrors.Validation("userName", "A user name is 1 to 64 characters: ASCII letters, digits and . _ @ -, starting with a letter or digit.");

    public static string RequirePassword(string? password) => password is { Length: >= MinPasswordLength and <= MaxPasswordLength }
        ? password
        : throw ArmErrors.Validation("properties.password", $"'properties.password' must be {MinPasswordLength} to {MaxPasswordLength} characters.");

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")]
    private static partial Regex Pattern();
}
