using OpenApim.Server.Configuration;

namespace OpenApim.Tests.Units;

/// <summary><c>OPENAPIM_TRUSTED_ISSUERS</c> with a <c>signIn</c> section: what is accepted, what is refused at start-up, and that the secret is never printed.</summary>
public sealed class TrustedIssuerSettingsTests
{
    [Fact]
    public void A_sign_in_section_is_read_with_its_fields()
    {
        var issuers = TrustedIssuerSettings.Parse("""
            [{"authority":"https://login.contoso.example/t1/v2.0","audience":"api://openapim",
              "signIn":{"clientId":"c1","clientSecret":"s3cr3t-value","displayName":"Contoso","scope":"openid email","resource":"api://openapim"}}]
            """);
        var signIn = Assert.Single(issuers).SignIn!;
        Assert.Equal(("c1", "s3cr3t-value", "Contoso", "openid email", "api://openapim"), (signIn.ClientId, signIn.ClientSecret, signIn.DisplayName, signIn.Scope, signIn.Resource));
        Assert.DoesNotContain("s3cr3t-value", issuers[0].ToString(), StringComparison.Ordinal);
        Assert.Contains("ClientSecret = (set)", issuers[0].ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""[{"authority":"http://idp.contoso.example","audience":"a","signIn":{"clientId":"c"}}]""", "only over HTTPS")]
    [InlineData("""[{"authority":"https://idp.contoso.example","audience":"a","signIn":{"clientId":" "}}]""", "'clientId'")]
    [InlineData("""[{"authority":"https://idp.contoso.example","audience":"a","signIn":{}}]""", "'clientId'")]
    [InlineData("""[{"authority":"https://idp.contoso.example","audience":"a","signIn":{"clientId":"c","displayName":"a\u0007b"}}]""", "'displayName'")]
    [InlineData("""[{"authority":"https://idp.contoso.example","audience":"a","signIn":{"clientId":"c","displayName":""}}]""", "'displayName'")]
    [InlineData("""[{"authority":"https://idp.contoso.example","audience":"a","signIn":{"clientId":"c","resource":"not a uri"}}]""", "'resource'")]
    [InlineData("""[{"authority":"https://idp.contoso.example","audience":"a","signIn":{"clientId":"c","clientSecrets":"x"}}]""", "must be a JSON array")]
    public void A_sign_in_section_that_cannot_work_is_refused_at_start_up(string json, string reason)
    {
        var e = Assert.Throws<InvalidOperationException>(() => TrustedIssuerSettings.Parse(json));
        Assert.Contains(reason, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_loopback_issuer_may_sign_people_in_over_plain_http()
    {
        var issuer = Assert.Single(TrustedIssuerSettings.Parse("""[{"authority":"http://127.0.0.1:9000","audience":"a","signIn":{"clientId":"c"}}]"""));
        Assert.Equal("c", issuer.SignIn!.ClientId);
    }
}
