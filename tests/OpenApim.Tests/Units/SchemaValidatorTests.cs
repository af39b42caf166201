using System.Text.Json.Nodes;
using OpenApim.Resources.Arm;
using OpenApim.Resources.Kinds.Schema;

namespace OpenApim.Tests.Units;

/// <summary>The declarative schema every kind is checked against: types, casing, defaults, bounds, nested objects and arrays.</summary>
public sealed class SchemaValidatorTests
{
    private static readonly Prop[] Schema =
    [
        P.Str("displayName").Req().Len(1, 10),
        P.Enum("state", "active", "suspended").Default(JsonValue.Create("active")),
        P.Bool("enabled"),
        P.Int("limit").Range(0, 100),
        P.Str("code").Match("^[a-z]+$"),
        P.Str("id").RO(),
        P.Obj("settings", P.Str("mode"), P.Int("size")),
        P.Arr("tags", P.Item(PropType.String)).MaxCount(2),
    ];

    private static (JsonObject Body, List<ArmErrorDetail> Problems) Check(string json)
    {
        var body = JsonNode.Parse(json)!.AsObject();
        return (body, SchemaValidator.Normalize(body, Schema, "properties"));
    }

    [Fact]
    public void A_valid_body_is_stored_in_declared_casing_with_defaults_and_without_read_only_values()
    {
        var (body, problems) = Check("""{"DisplayName":"Echo","STATE":"SUSPENDED","enabled":"true","id":"forged","settings":{"Mode":"x"}}""");
        Assert.Empty(problems);
        Assert.Equal("Echo", body["displayName"]!.GetValue<string>());
        Assert.False(body.ContainsKey("DisplayName"));
        Assert.Equal("suspended", body["state"]!.GetValue<string>());
        Assert.True(body["enabled"]!.GetValue<bool>());
        Assert.False(body.ContainsKey("id"));
        Assert.Equal("x", body["settings"]!["mode"]!.GetValue<string>());

        var (defaulted, none) = Check("""{"displayName":"E"}""");
        Assert.Empty(none);
        Assert.Equal("active", defaulted["state"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("""{}""", "properties.displayName", "required")]
    [InlineData("""{"displayName":null}""", "properties.displayName", "required")]
    [InlineData("""{"displayName":""}""", "properties.displayName", "")]
    [InlineData("""{"displayName":"12345678901"}""", "properties.displayName", "")]
    [InlineData("""{"displayName":7}""", "properties.displayName", "string")]
    [InlineData("""{"displayName":"E","state":"gone"}""", "properties.state", "not one of")]
    [InlineData("""{"displayName":"E","enabled":"maybe"}""", "properties.enabled", "boolean")]
    [InlineData("""{"displayName":"E","limit":101}""", "properties.limit", "")]
    [InlineData("""{"displayName":"E","limit":1.5}""", "properties.limit", "")]
    [InlineData("""{"displayName":"E","code":"UPPER"}""", "properties.code", "")]
    [InlineData("""{"displayName":"E","settings":"flat"}""", "properties.settings", "object")]
    [InlineData("""{"displayName":"E","settings":{"size":"big"}}""", "properties.settings.size", "")]
    [InlineData("""{"displayName":"E","tags":"a"}""", "properties.tags", "array")]
    [InlineData("""{"displayName":"E","tags":["a","b","c"]}""", "properties.tags", "at most 2")]
    [InlineData("""{"displayName":"E","tags":["a",null]}""", "properties.tags[1]", "null")]
    [InlineData("""{"displayName":"E","tags":["a",3]}""", "properties.tags[1]", "string")]
    public void Each_problem_names_where_it_is(string json, string target, string says)
    {
        var (_, problems) = Check(json);
        var problem = Assert.Single(problems);
        Assert.Equal(target, problem.Target);
        Assert.Equal("ValidationError", problem.Code);
        Assert.Contains(says, problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_problem_of_a_body_is_reported_at_once()
    {
        var (_, problems) = Check("""{"state":"gone","limit":-1,"tags":[1,2,3]}""");
        Assert.True(problems.Count >= 4, string.Join("; ", problems));
    }

    [Fact]
    public void Secrets_are_removed_for_reading()
    {
        var body = JsonNode.Parse("""{"displayName":"E","value":"s3cret","nested":{"key":"k"}}""")!.AsObject();
        SchemaValidator.RemoveSecrets(body, [P.Str("displayName"), P.Str("value").Secret(), P.Obj("nested", P.Str("key").Secret())]);
        Assert.False(body.ContainsKey("value"));
        Assert.False(body["nested"]!.AsObject().ContainsKey("key"));
        Assert.Equal("E", body["displayName"]!.GetValue<string>());
    }
}
