using System.Net;
using System.Text.Json.Nodes;
using OpenApim.Tests.Infrastructure;

namespace OpenApim.Tests.Management;

/// <summary>Create, read, list, update and delete of every entity kind, with ETags and secret hiding, on both stores.</summary>
public abstract class EntityCrudTests(ServerFixture fixture)
{
    private ArmClient Arm => fixture.Arm;

    [Theory]
    [MemberData(nameof(EntityCase.Names), MemberType = typeof(EntityCase))]
    public async Task Every_kind_supports_the_full_lifecycle(string kind)
    {
        var c = EntityCase.Get(kind);
        var service = await Arm.CreateServiceAsync();
        var path = await c.Arrange(Arm, service);
        var body = new JsonObject { ["properties"] = c.Properties.DeepClone() };

        var created = await Arm.PutAsync(path, body);
        Assert.True(created.Status == HttpStatusCode.Created, $"{kind} PUT: {created}");
        Assert.NotNull(created.ETag);

        var got = await Arm.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, got.Status);
        Assert.Equal(created.ETag, got.ETag);
        Assert.EndsWith("/" + got.Json["name"]!.GetValue<string>(), path, StringComparison.OrdinalIgnoreCase);
        if (!c.IsLink)
        {
            Assert.Equal(path, got.Json["id"]!.GetValue<string>());
            Assert.Equal("Microsoft.ApiManagement/service/" + kind, got.Json["type"]!.GetValue<string>());
            foreach (var (name, value) in c.Properties)
            {
                if (!IsSecret(c, name) && value is JsonValue)
                {
                    Assert.True(SameValue(value, got.Properties[name]), $"{kind}.{name}: sent {value}, read {got.Properties[name]}");
                }
            }
        }

        var list = await Arm.GetAsync(path[..path.LastIndexOf('/')]);
        Assert.Equal(HttpStatusCode.OK, list.Status);
        var listed = list.Json["value"]!.AsArray().Select(v => v!["name"]!.GetValue<string>());
        Assert.Contains(path[(path.LastIndexOf('/') + 1)..], listed, StringComparer.OrdinalIgnoreCase);

        foreach (var secret in c.Secrets ?? [])
        {
            Assert.Null(Find(got.Properties, secret));
            Assert.DoesNotContain(Find(c.Properties, secret)!.ToJsonString().Trim('"'), list.Body!.ToJsonString(), StringComparison.Ordinal);
        }

        var replaced = await Arm.PutAsync(path, new JsonObject { ["properties"] = c.Properties.DeepClone() });
        Assert.True(replaced.Status == HttpStatusCode.OK, $"{kind} second PUT: {replaced}");

        if (c.Patch is not null)
        {
            var noIfMatch = await Arm.PatchAsync(path, new JsonObject { ["properties"] = c.Patch.DeepClone() }, ifMatch: null);
            Assert.Equal("IfMatchHeaderRequired", noIfMatch.ErrorCode);
            var stale = await Arm.PatchAsync(path, new JsonObject { ["properties"] = c.Patch.DeepClone() }, ifMatch: created.ETag);
            Assert.Equal(HttpStatusCode.PreconditionFailed, stale.Status);

            var patched = await Arm.PatchAsync(path, new JsonObject { ["properties"] = c.Patch.DeepClone() }, ifMatch: replaced.ETag);
            Assert.True(patched.Status == HttpStatusCode.OK, $"{kind} PATCH: {patched}");
            foreach (var (name, value) in c.Patch)
            {
                Assert.True(JsonNode.DeepEquals(value, patched.Properties[name]), $"{kind}.{name} after PATCH: {patched.Properties[name]}");
            }

            foreach (var secret in c.Secrets ?? [])
            {
                Assert.Null(Find(patched.Properties, secret));
            }
        }

        if (c.IfMatchOnDelete)
        {
            Assert.Equal("IfMatchHeaderRequired", (await Arm.DeleteAsync(path, ifMatch: null)).ErrorCode);
        }

        Assert.Equal(HttpStatusCode.OK, (await Arm.DeleteAsync(path, ifMatch: c.IfMatchOnDelete ? "*" : null)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await Arm.GetAsync(path)).Status);
        Assert.Equal(HttpStatusCode.NoContent, (await Arm.DeleteAsync(path, ifMatch: c.IfMatchOnDelete ? "*" : null)).Status);
    }

    /// <summary>Equal values; a reference sent relative (<c>/loggers/x</c>) reads back as the full ARM id.</summary>
    private static bool SameValue(JsonNode sent, JsonNode? read) =>
        JsonNode.DeepEquals(sent, read)
        || (sent.GetValueKind() == System.Text.Json.JsonValueKind.String && sent.GetValue<string>().StartsWith('/')
            && read?.GetValue<string>().EndsWith("/service/" + read.GetValue<string>().Split("/service/")[1].Split('/')[0] + sent.GetValue<string>(), StringComparison.Ordinal) == true);

    private static bool IsSecret(EntityCase c, string name) => (c.Secrets ?? []).Any(s => s == name || s.StartsWith(name + ".", StringComparison.Ordinal));

    private static JsonNode? Find(JsonObject o, string dotted)
    {
        JsonNode? node = o;
        foreach (var part in dotted.Split('.'))
        {
            node = node?[part];
        }

        return node;
    }
}

public sealed class EntityCrudTestsOnSqlite(SqliteServer fixture) : EntityCrudTests(fixture), IClassFixture<SqliteServer>;

public sealed class EntityCrudTestsOnPostgres(PostgresServer fixture) : EntityCrudTests(fixture), IClassFixture<PostgresServer>;
