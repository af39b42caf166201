using OpenApim.OperatorConsole.Arm;
using OpenApim.OperatorConsole.SignIn;

namespace OpenApim.Tests.ConsoleSafety;

/// <summary>Review findings on the console's hostile inputs: where links send the user's token, where sign-in returns to, which names become ARM paths.</summary>
public sealed class ConsoleInputTests
{
    private static readonly Uri Management = new("https://127.0.0.1:8443/");

    [Theory]
    [InlineData("https://public.example:443/subscriptions/s/x?api-version=1&$skip=2", "https://127.0.0.1:8443/subscriptions/s/x?api-version=1&$skip=2")]
    [InlineData("https://public.example//evil.example/steal", "https://127.0.0.1:8443//evil.example/steal")]
    [InlineData("/subscriptions/s/providers/Microsoft.ApiManagement/service/a", "https://127.0.0.1:8443/subscriptions/s/providers/Microsoft.ApiManagement/service/a?api-version=2024-05-01")]
    public void Every_ARM_call_goes_to_the_servers_own_address(string path, string expected)
    {
        var address = ArmConnection.AddressOn(Management, path);
        Assert.Equal("127.0.0.1", address.Host);
        Assert.Equal(8443, address.Port);
        Assert.Equal(expected, address.ToString());
    }

    [Theory]
    [InlineData("//evil.example/x")]
    [InlineData("subscriptions/relative")]
    [InlineData("")]
    public void A_path_that_is_not_an_ARM_path_is_refused(string path) => Assert.Throws<ArgumentException>(() => ArmConnection.AddressOn(Management, path));

    [Theory]
    [InlineData("/console/services/a/b/c", "/console/services/a/b/c")]
    [InlineData("/console?x=1", "/console?x=1")]
    [InlineData("https://evil.example/console", "/console")]
    [InlineData("//evil.example/console", "/console")]
    [InlineData("/console\\..\\evil", "/console")]
    [InlineData("/consolex/../../evil", "/console")]
    [InlineData("/console/../evil", "/console")]
    [InlineData("/console/actions/restore", "/console")]
    [InlineData("/console/live/drills/1", "/console")]
    [InlineData("/console/LIVE/drills/1", "/console")]
    [InlineData("/console/Actions/restore", "/console")]
    [InlineData("/console/%2e%2e/evil", "/console")]
    [InlineData("/console/services?q=a%20b", "/console/services?q=a%20b")]
    [InlineData("/subscriptions/x", "/console")]
    [InlineData(null, "/console")]
    public void Sign_in_returns_only_to_a_console_page(string? returnUrl, string expected) => Assert.Equal(expected, SignInEndpoints.LocalConsolePath(returnUrl));

    [Theory]
    [InlineData("00000000-0000-0000-0000-000000000001", "rg1", "contoso", true)]
    [InlineData("00000000-0000-0000-0000-000000000001", "..", "contoso", false)]
    [InlineData("00000000-0000-0000-0000-000000000001", ".", "contoso", false)]
    [InlineData("00000000-0000-0000-0000-000000000001", "rg.", "contoso", false)]
    [InlineData("00000000-0000-0000-0000-000000000001", "rg%2F..", "contoso", false)]
    [InlineData("00000000-0000-0000-0000-000000000001", "rg1", "../x", false)]
    [InlineData("00000000-0000-0000-0000-000000000001", "rg1", "a/b", false)]
    [InlineData("not-a-guid", "rg1", "contoso", false)]
    public void Only_plain_ARM_names_make_a_service_address(string subscription, string group, string name, bool valid) =>
        Assert.Equal(valid, ServiceAddress.TryCreate(subscription, group, name, out _));
}
