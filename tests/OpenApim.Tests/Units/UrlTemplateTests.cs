using OpenApim.Gateway.Runtime;

namespace OpenApim.Tests.Units;

/// <summary>Operation URL templates: literals, parameters (whole and partial segments), catch-alls, and which template is tried first.</summary>
public sealed class UrlTemplateTests
{
    private static Dictionary<string, string>? Match(string template, string path)
    {
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        return new UrlTemplate(template).TryMatch(path, values) ? values : null;
    }

    [Theory]
    [InlineData("/", "")]
    [InlineData("/orders", "orders")]
    [InlineData("/orders", "/orders/")]
    [InlineData("/orders?status={status}", "orders")]
    public void Literal_templates_match_their_path(string template, string path) => Assert.NotNull(Match(template, path));

    [Theory]
    [InlineData("/orders", "order")]
    [InlineData("/orders", "orders/1")]
    [InlineData("/orders/{id}", "orders")]
    [InlineData("/orders/{id}", "orders//")]
    [InlineData("/", "x")]
    public void Anything_else_does_not(string template, string path) => Assert.Null(Match(template, path));

    [Fact]
    public void Parameters_capture_whole_segments_and_segments_with_a_literal_prefix_or_suffix()
    {
        Assert.Equal("42", Match("/orders/{id}", "orders/42")!["id"]);
        Assert.Equal("42", Match("/orders/{id}.json", "orders/42.JSON")!["id"]);
        Assert.Equal("7", Match("/v{version}/items", "v7/items")!["version"]);
        Assert.Null(Match("/orders/{id}.json", "orders/.json"));
        Assert.Null(Match("/orders/{id}.json", "orders/42.xml"));
    }

    [Theory]
    [InlineData("/files/{*rest}")]
    [InlineData("/files/*")]
    public void A_catch_all_takes_the_rest_of_the_path(string template)
    {
        Assert.Equal("a/b/c.txt", Match(template, "files/a/b/c.txt")!["*"]);
        Assert.NotNull(Match(template, "files"));
    }

    [Fact]
    public void The_most_specific_template_sorts_first()
    {
        var ordered = new[] { "/{*rest}", "/orders/{id}", "/orders/recent", "/{a}/{b}" }
            .Select(t => new UrlTemplate(t)).OrderByDescending(t => t.Specificity).ToList();
        Assert.True(ordered[0].TryMatch("orders/recent", null));
        Assert.True(ordered[0].Specificity > new UrlTemplate("/orders/{id}").Specificity);
        Assert.True(new UrlTemplate("/{a}/{b}").Specificity > new UrlTemplate("/{*rest}").Specificity);
    }
}
