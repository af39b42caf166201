using System.Text.RegularExpressions;
using OpenApim.Resources.Kinds;
using OpenApim.Resources.Kinds.Schema;

namespace OpenApim.Tests.Units;

/// <summary>
/// Every pattern a kind declares runs on the non-backtracking engine, without a timeout: linear in its input (no hostile
/// value makes it slow) and never a 500 because a busy machine paused a match past a deadline (the benchmark met one).
/// </summary>
public sealed class DeclaredPatternTests
{
    private static IEnumerable<Prop> All(IEnumerable<Prop> props) =>
        props.SelectMany(p => new[] { p }.Concat(All(p.Properties ?? [])).Concat(p.Items is { } item ? All([item]) : []));

    [Fact]
    public void Declared_patterns_are_linear_and_have_no_timeout()
    {
        var patterns = KindCatalog.All.SelectMany(k => All(k.Properties)).Where(p => p.Pattern is not null).ToList();
        Assert.NotEmpty(patterns);
        Assert.All(patterns, p =>
        {
            Assert.True(p.Pattern!.Options.HasFlag(RegexOptions.NonBacktracking), $"{p.Name}: {p.PatternText}");
            Assert.Equal(Regex.InfiniteMatchTimeout, p.Pattern.MatchTimeout);
        });
    }

    [Theory]
    [InlineData("backups", true)]
    [InlineData("apim-dr-2", true)]
    [InlineData("a-b", true)]
    [InlineData("-ab", false)]
    [InlineData("ab-", false)]
    [InlineData("a--b", false)]
    [InlineData("Upper", false)]
    public void The_container_name_rule_is_Azures(string name, bool valid)
    {
        var rule = KindCatalog.Replications.Properties.Single(p => p.Name == "containerName");
        Assert.Equal(valid, rule.Pattern!.IsMatch(name));
    }
}
