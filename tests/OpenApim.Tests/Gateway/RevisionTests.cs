using System.Net;
using System.Text.Json.Nodes;
using OpenApim.Tests.Infrastructure;

namespace OpenApim.Tests.Gateway;

/// <summary>API revisions and releases: made from a source revision, listed, served as ;rev=n, made current by a release.</summary>
public sealed class RevisionTests(GatewayFixture fixture) : IClassFixture<GatewayFixture>
{
    private const string Tagged = "<policies><inbound><base /><set-header name=\"x-revision\" exists-action=\"override\"><value>one</value></set-header></inbound><backend><base /></backend><outbound><base /></outbound><on-error><base /></on-error></policies>";

    private ArmClient Arm => fixture.Arm;

    private static JsonObject Operation(string template) => new()
    {
        ["displayName"] = template, ["method"] = "GET", ["urlTemplate"] = template,
    };

    [Fact]
    public async Task A_revision_starts_as_a_copy_is_served_as_rev_n_and_a_release_makes_it_current()
    {
        var (service, key) = await fixture.ServiceWithApiAsync("shop", Tagged);
        var api = $"{service}/apis/shop";

        var created = await Arm.PutAsync($"{api};rev=2", new JsonObject
        {
            ["properties"] = new JsonObject { ["sourceApiId"] = $"{api}", ["apiRevisionDescription"] = "adds /fresh" },
        });
        Assert.Equal(HttpStatusCode.Created, created.Status);
        Assert.Equal("shop;rev=2", created.Json["name"]!.GetValue<string>());
        Assert.Equal("2", created.Properties["apiRevision"]!.GetValue<string>());
        Assert.False(created.Properties["isCurrent"]!.GetValue<bool>());
        Assert.Equal("shop", created.Properties["path"]!.GetValue<string>());
        Assert.Equal(2, (await Arm.GetAsync($"{api};rev=2/operations")).Json["count"]!.GetValue<int>());
        Assert.Equal(HttpStatusCode.OK, (await Arm.GetAsync($"{api};rev=2/policies/policy")).Status);
        await Arm.CreateAsync($"{api};rev=2/operations/fresh", Operation("/fresh"));

        // The current revision is also addressed by its number.
        var one = await Arm.GetAsync($"{api};rev=1");
        Assert.Equal("shop", one.Json["name"]!.GetValue<string>());
        Assert.True(one.Properties["isCurrent"]!.GetValue<bool>());

        var revisions = (await Arm.GetAsync($"{api}/revisions")).Json;
        Assert.Equal(2, revisions["count"]!.GetValue<int>());
        Assert.Equal(["/apis/shop;rev=1", "/apis/shop;rev=2"], revisions["value"]!.AsArray().Select(r => r!["apiId"]!.GetValue<string>()));
        Assert.Equal([true, false], revisions["value"]!.AsArray().Select(r => r!["isCurrent"]!.GetValue<bool>()));
        Assert.Equal("/shop;rev=2", revisions["value"]![1]!["privateUrl"]!.GetValue<string>());
        Assert.Equal("adds /fresh", revisions["value"]![1]!["description"]!.GetValue<string>());

        // The gateway: the current revision on its path (and as rev=1), the other one only as rev=2, same key.
        await fixture.RefreshAsync();
        var current = await fixture.GetAsync(service, "/shop/orders", key);
        Assert.Equal(HttpStatusCode.OK, current.Status);
        Assert.Equal("one", current.BackendHeader("x-revision"));
        Assert.Equal(HttpStatusCode.OK, (await fixture.GetAsync(service, "/shop;rev=1/orders", key)).Status);
        var second = await fixture.GetAsync(service, "/shop;rev=2/fresh", key);
        Assert.Equal(HttpStatusCode.OK, second.Status);
        Assert.Equal("/backend/fresh", second.Json!["path"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Unauthorized, (await fixture.GetAsync(service, "/shop;rev=2/fresh")).Status);

        // A release makes revision 2 current; revision 1 keeps what it had.
        var release = await Arm.PutAsync($"{api}/releases/go-live", new JsonObject { ["properties"] = new JsonObject { ["apiId"] = $"{api};rev=2", ["notes"] = "ship it" } });
        Assert.Equal(HttpStatusCode.Created, release.Status);
        var after = await Arm.GetAsync(api);
        Assert.Equal("2", after.Properties["apiRevision"]!.GetValue<string>());
        Assert.True(after.Properties["isCurrent"]!.GetValue<bool>());
        Assert.Equal(HttpStatusCode.OK, (await Arm.GetAsync($"{api}/operations/fresh")).Status);
        var old = await Arm.GetAsync($"{api};rev=1");
        Assert.Equal("shop;rev=1", old.Json["name"]!.GetValue<string>());
        Assert.False(old.Properties["isCurrent"]!.GetValue<bool>());
        Assert.Equal(HttpStatusCode.NotFound, (await Arm.GetAsync($"{api};rev=1/operations/fresh")).Status);
        Assert.Equal(HttpStatusCode.OK, (await Arm.GetAsync($"{api}/releases/go-live")).Status);

        await fixture.RefreshAsync();
        Assert.Equal(HttpStatusCode.OK, (await fixture.GetAsync(service, "/shop/fresh", key)).Status);
        Assert.Equal(HttpStatusCode.OK, (await fixture.GetAsync(service, "/shop;rev=1/orders", key)).Status);

        // The current revision cannot be deleted on its own; an old one can; deleting the API takes every revision.
        Assert.Equal(HttpStatusCode.Conflict, (await Arm.DeleteAsync($"{api};rev=2")).Status);
        Assert.Equal(HttpStatusCode.Created, (await Arm.PutAsync($"{api};rev=3", new JsonObject { ["properties"] = new JsonObject() })).Status);
        Assert.Equal(HttpStatusCode.OK, (await Arm.DeleteAsync($"{api};rev=1")).Status);
        Assert.Equal(2, (await Arm.GetAsync($"{api}/revisions")).Json["count"]!.GetValue<int>());
        Assert.Equal(HttpStatusCode.OK, (await Arm.DeleteAsync(api)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await Arm.GetAsync($"{api};rev=3")).Status);
    }

    [Fact]
    public async Task Revision_numbers_and_the_current_flag_are_not_free_text_and_a_release_keeps_the_path_and_its_reference()
    {
        var (service, key) = await fixture.ServiceWithApiAsync("rules");
        var api = $"{service}/apis/rules";
        Assert.Equal("ValidationError", (await Arm.PatchAsync(api, new JsonObject { ["properties"] = new JsonObject { ["apiRevision"] = "1/operations/evil" } })).ErrorCode);
        Assert.Equal("ValidationError", (await Arm.PatchAsync(api, new JsonObject { ["properties"] = new JsonObject { ["apiRevision"] = "2" } })).ErrorCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await Arm.PutAsync($"{api};rev=02", new JsonObject { ["properties"] = new JsonObject() })).Status);
        Assert.Equal("ValidationError", (await Arm.PatchAsync(api, new JsonObject { ["properties"] = new JsonObject { ["path"] = "a;rev=9" } })).ErrorCode);

        Assert.Equal(HttpStatusCode.Created, (await Arm.PutAsync($"{api};rev=2", new JsonObject { ["properties"] = new JsonObject() })).Status);
        var patched = await Arm.PatchAsync($"{api};rev=2", new JsonObject { ["properties"] = new JsonObject { ["isCurrent"] = true } });
        Assert.False(patched.Properties["isCurrent"]!.GetValue<bool>());

        // The API moves; its revision moves with it, and releasing the revision does not move the API back.
        Assert.Equal(HttpStatusCode.OK, (await Arm.PatchAsync(api, new JsonObject { ["properties"] = new JsonObject { ["path"] = "moved" } })).Status);
        Assert.Equal("moved", (await Arm.GetAsync($"{api};rev=2")).Properties["path"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Created, (await Arm.PutAsync($"{api}/releases/r1", new JsonObject { ["properties"] = new JsonObject { ["apiId"] = $"{api};rev=2" } })).Status);
        Assert.Equal("moved", (await Arm.GetAsync(api)).Properties["path"]!.GetValue<string>());
        await fixture.RefreshAsync();
        Assert.Equal(HttpStatusCode.OK, (await fixture.GetAsync(service, "/moved/x", key)).Status);

        // The release still refers to something that exists: it can be edited, and a backup of the service restores.
        Assert.Equal(HttpStatusCode.OK, (await Arm.PatchAsync($"{api}/releases/r1", new JsonObject { ["properties"] = new JsonObject { ["notes"] = "edited" } })).Status);
        var blob = Names.Unique("rev") + ".apimbackup";
        Assert.Equal(HttpStatusCode.OK, (await Arm.RunAsync($"{service}/backup", Azurite.StorageBody("backups", blob))).Final.Status);
        var standby = await Arm.CreateServiceAsync();
        var restore = (await Arm.RunAsync($"{standby}/restore", Azurite.StorageBody("backups", blob))).Final;
        Assert.True(restore.Status == HttpStatusCode.OK, restore.ToString());
        Assert.Equal(2, (await Arm.GetAsync($"{standby}/apis/rules/revisions")).Json["count"]!.GetValue<int>());
    }

    [Fact]
    public async Task Bad_revisions_and_releases_are_refused()
    {
        var (service, _) = await fixture.ServiceWithApiAsync("bad");
        var api = $"{service}/apis/bad";
        Assert.Equal(HttpStatusCode.BadRequest, (await Arm.PutAsync($"{api};rev=two", new JsonObject { ["properties"] = new JsonObject() })).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await Arm.PutAsync($"{service}/apis/missing;rev=2", new JsonObject { ["properties"] = new JsonObject() })).Status);

        await Arm.CreateAsync($"{service}/apis/other", new JsonObject { ["path"] = "other" });
        var foreign = await Arm.PutAsync($"{api};rev=2", new JsonObject { ["properties"] = new JsonObject { ["sourceApiId"] = "/apis/other" } });
        Assert.Equal("ValidationError", foreign.ErrorCode);

        var release = await Arm.PutAsync($"{api}/releases/r1", new JsonObject { ["properties"] = new JsonObject { ["apiId"] = "/apis/other" } });
        Assert.Equal("ValidationError", release.ErrorCode);
        var missing = await Arm.PutAsync($"{api}/releases/r1", new JsonObject { ["properties"] = new JsonObject { ["apiId"] = "/apis/bad;rev=9" } });
        Assert.Equal(HttpStatusCode.BadRequest, missing.Status);
        Assert.Equal(HttpStatusCode.NotFound, (await Arm.GetAsync($"{api}/releases/r1")).Status);
        Assert.Equal("1", (await Arm.GetAsync(api)).Properties["apiRevision"]!.GetValue<string>());
    }
}
