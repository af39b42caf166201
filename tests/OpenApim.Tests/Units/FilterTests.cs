using OpenApim.Resources.Arm;
using OpenApim.Resources.Queries;

namespace OpenApim.Tests.Units;

/// <summary>The <c>$filter</c> parser: the forms API Management accepts, precedence, declared field casing, and its bounds.</summary>
public sealed class FilterTests
{
    private static readonly string[] Fields = ["name", "displayName", "state", "subscriptionRequired"];

    private static Filter Parse(string text) =>
        Filter.Parse(text, f => Fields.FirstOrDefault(d => d.Equals(f, StringComparison.OrdinalIgnoreCase)));

    [Theory]
    [InlineData("name eq 'echo'", "name", "eq", "echo")]
    [InlineData("DISPLAYNAME ne 'It''s'", "displayName", "ne", "It's")]
    [InlineData("state gt 'a'", "state", "gt", "a")]
    [InlineData("subscriptionRequired eq true", "subscriptionRequired", "eq", true)]
    [InlineData("name eq null", "name", "eq", null)]
    public void A_comparison_reads_field_operator_and_literal(string text, string field, string op, object? value)
    {
        var compare = Assert.IsType<CompareFilter>(Parse(text));
        Assert.Equal(field, compare.Field);
        Assert.Equal(op, compare.Op);
        Assert.Equal(value, compare.Value);
    }

    [Fact]
    public void Numbers_are_numbers()
    {
        var compare = Assert.IsType<CompareFilter>(Parse("state le 42"));
        Assert.Equal(42L, Convert.ToInt64(compare.Value, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData("contains(name, 'ch')", "contains", "name", "ch")]
    [InlineData("startswith(displayName,'Ech')", "startswith", "displayName", "Ech")]
    [InlineData("endswith(name, 'o')", "endswith", "name", "o")]
    [InlineData("substringof('ch', name)", "contains", "name", "ch")]
    public void Functions_name_their_field_and_text(string text, string function, string field, string value)
    {
        var f = Assert.IsType<FunctionFilter>(Parse(text));
        Assert.Equal((function, field, value), (f.Function, f.Field, f.Value));
    }

    [Fact]
    public void And_binds_tighter_than_or_and_parentheses_override_it()
    {
        var or = Assert.IsType<OrFilter>(Parse("name eq 'a' or name eq 'b' and state eq 'c'"));
        Assert.IsType<CompareFilter>(or.Left);
        Assert.IsType<AndFilter>(or.Right);

        var and = Assert.IsType<AndFilter>(Parse("(name eq 'a' or name eq 'b') and not (state eq 'c')"));
        Assert.IsType<OrFilter>(and.Left);
        Assert.IsType<CompareFilter>(Assert.IsType<NotFilter>(and.Right).Inner);
    }

    [Theory]
    [InlineData("secret eq 'x'")]
    [InlineData("name eq")]
    [InlineData("name like 'x'")]
    [InlineData("name eq 'unterminated")]
    [InlineData("contains(name)")]
    [InlineData("(name eq 'a'")]
    [InlineData("name eq 'a' garbage")]
    [InlineData("name eq 'a\u0001'")]
    public void Anything_else_is_a_validation_error_naming_the_filter(string text)
    {
        var e = Assert.Throws<ArmException>(() => Parse(text));
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, e.Status);
        Assert.Contains("$filter", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Length_depth_and_terms_are_bounded()
    {
        Assert.Throws<ArmException>(() => Parse("name eq '" + new string('x', Filter.MaxLength) + "'"));

        var deep = string.Concat(Enumerable.Repeat("not (", Filter.MaxDepth + 1)) + "name eq 'a'" + new string(')', Filter.MaxDepth + 1);
        Assert.Throws<ArmException>(() => Parse(deep));
        var fine = string.Concat(Enumerable.Repeat("not (", Filter.MaxDepth / 2 - 1)) + "name eq 'a'" + new string(')', Filter.MaxDepth / 2 - 1);
        Assert.IsType<NotFilter>(Parse(fine));

        var many = string.Join(" or ", Enumerable.Range(0, Filter.MaxTerms + 1).Select(i => $"name eq 'n{i}'"));
        Assert.Throws<ArmException>(() => Parse(many));
        var enough = string.Join(" or ", Enumerable.Range(0, Filter.MaxTerms).Select(i => $"name eq 'n{i}'"));
        Assert.IsType<OrFilter>(Parse(enough));
    }
}
