using OpenApim.Policies;

namespace OpenApim.Tests.Units;

/// <summary>What a policy document may contain: the policies OpenApim runs, where, with which attributes; everything else named with its line.</summary>
public sealed class PolicyCatalogTests
{
    private static List<string> Check(string inbound, string backend = "<base />", string outbound = "<base />", string onError = "<base />") =>
        PolicyCatalog.Check(PolicySections.Parse($"<policies><inbound>{inbound}</inbound><backend>{backend}</backend><outbound>{outbound}</outbound><on-error>{onError}</on-error></policies>"));

    [Fact]
    public void Every_supported_policy_in_its_section_passes()
    {
        Assert.Empty(Check(
            """
            <base />
            <set-header name="x-a" exists-action="override"><value>1</value></set-header>
            <set-query-parameter name="q" exists-action="append"><value>v</value></set-query-parameter>
            <rewrite-uri template="/x/{id}" copy-unmatched-params="true" />
            <set-backend-service base-url="https://backend.example" />
            <rate-limit calls="10" renewal-period="60" />
            <rate-limit-by-key calls="5" renewal-period="30" counter-key="@(context.Subscription.Id)" />
            <quota calls="100" renewal-period="3600" />
            <ip-filter action="allow"><address>10.0.0.1</address><address-range from="10.0.0.2" to="10.0.0.9" /></ip-filter>
            <check-header name="x-k" failed-check-httpcode="401" failed-check-error-message="no"><value>k</value></check-header>
            <cors allow-credentials="false"><allowed-origins><origin>*</origin></allowed-origins><allowed-methods><method>GET</method></allowed-methods></cors>
            """,
            backend: """<forward-request timeout="30" />""",
            outbound: """<base /><set-status code="200" reason="OK" />""",
            onError: """<base /><return-response><set-status code="503" reason="Down" /><set-body>sorry</set-body></return-response>"""));
    }

    [Theory]
    [InlineData("""<send-request mode="new" />""", "Unknown or unsupported policy <send-request> (line 1)")]
    [InlineData("""<forward-request />""", "<forward-request> is not allowed in <inbound>")]
    [InlineData("""<rate-limit calls="10" />""", "needs the attribute 'renewal-period'")]
    [InlineData("""<rate-limit calls="0" renewal-period="60" />""", "calls")]
    [InlineData("""<set-header name="x" exists-action="sometimes" />""", "exists-action")]
    [InlineData("""<set-header name="x" color="red" />""", "unknown or unsupported attribute 'color'")]
    [InlineData("""<set-header name="x"><when>1</when></set-header>""", "<when> is not allowed inside <set-header>")]
    [InlineData("""<base /><base />""", "<base /> appears more than once")]
    [InlineData("""<set-body>x</set-body>""", "only inside <return-response>")]
    [InlineData("""<set-header name="x"><value>@(context.Deployment.Region)</value></set-header>""", "context.Deployment.Region")]
    public void What_cannot_run_is_named(string inbound, string says)
    {
        var problems = Check(inbound);
        Assert.True(problems.Any(p => p.Contains(says, StringComparison.Ordinal)), string.Join("\n", problems));
    }

    [Theory]
    [InlineData("<policies><inbound>", "not well-formed")]
    [InlineData("<policy><inbound /></policy>", "root element must be <policies>")]
    [InlineData("<policies><prelude /></policies>", "Unknown section <prelude>")]
    [InlineData("<!DOCTYPE x [<!ENTITY e SYSTEM 'file:///etc/passwd'>]><policies><inbound>&e;</inbound></policies>", "not well-formed")]
    public void Documents_that_are_not_policies_are_refused_when_parsed(string xml, string says)
    {
        var e = Assert.Throws<PolicyException>(() => PolicySections.Parse(xml));
        Assert.Contains(says, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Named_value_references_are_found()
    {
        Assert.Equal(["backend-url", "key"],
            PolicyCatalog.NamedValueReferences("""<set-header name="x"><value>{{key}}</value></set-header><set-backend-service base-url="{{backend-url}}" />""").Order(StringComparer.Ordinal));
    }
}
