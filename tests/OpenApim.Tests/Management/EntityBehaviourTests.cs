using System.Net;
using System.Text.Json.Nodes;
using OpenApim.Tests.Infrastructure;

namespace OpenApim.Tests.Management;

/// <summary>What kinds add to CRUD: references, cascades, secrets through actions, built-in entities, views.</summary>
public abstract class EntityBehaviourTests(ServerFixture fixture)
{
    private ArmClient Arm => fixture.Arm;

    [Fact]
    public async Task References_must_exist_and_read_back_as_full_ids_of_the_service()
    {
        var service = await Arm.CreateServiceAsync();
        var missingProduct = await Arm.PutAsync($"{service}/subscriptions/s1", new JsonObject
        {
            ["properties"] = new JsonObject { ["displayName"] = "s", ["scope"] = "/products/nope" },
        });
        Assert.Equal("ValidationError", missingProduct.ErrorCode);
        Assert.Contains("products/nope", missingProduct.ErrorMessage, StringComparison.Ordinal);

        var otherService = ArmClient.ServicePath("elsewhere") + "/users/u1";
        var foreignOwner = await Arm.PutAsync($"{service}/subscriptions/s1", new JsonObject
        {
            ["properties"] = new JsonObject { ["displayName"] = "s", ["scope"] = "/apis", ["ownerId"] = otherService },
        });
        Assert.Equal("ValidationError", foreignOwner.ErrorCode);

        await Arm.CreateAsync($"{service}/users/u1", new JsonObject { ["email"] = "u1@example.com", ["firstName"] = "U", ["lastName"] = "One" });
        await Arm.CreateAsync($"{service}/products/p1", new JsonObject { ["displayName"] = "P1" });
        var created = await Arm.CreateAsync($"{service}/subscriptions/s1", new JsonObject
        {
            ["displayName"] = "s", ["scope"] = $"{service}/products/P1", ["ownerId"] = "/users/u1",
        });
        Assert.Equal($"{service}/products/p1", created.Properties["scope"]!.GetValue<string>());
        Assert.Equal($"{service}/users/u1", created.Properties["ownerId"]!.GetValue<string>());
        Assert.Equal("submitted", created.Properties["state"]!.GetValue<string>());
        Assert.Null(created.Properties["primaryKey"]);
    }

    [Fact]
    public async Task Subscription_keys_are_generated_listed_and_regenerated()
    {
        var service = await Arm.CreateServiceAsync();
        await Arm.CreateAsync($"{service}/subscriptions/s1", new JsonObject { ["displayName"] = "s", ["scope"] = "/apis", ["state"] = "active" });
        var keys = await Arm.PostAsync($"{service}/subscriptions/s1/listSecrets");
        Assert.Equal(HttpStatusCode.OK, keys.Status);
        var primary = keys.Json["primaryKey"]!.GetValue<string>();
        var secondary = keys.Json["secondaryKey"]!.GetValue<string>();
        Assert.Matches("^[0-9a-f]{32}$", primary);
        Assert.NotEqual(primary, secondary);

        Assert.Equal(HttpStatusCode.NoContent, (await Arm.PostAsync($"{service}/subscriptions/s1/regeneratePrimaryKey")).Status);
        var after = await Arm.PostAsync($"{service}/subscriptions/s1/listSecrets");
        Assert.NotEqual(primary, after.Json["primaryKey"]!.GetValue<string>());
        Assert.Equal(secondary, after.Json["secondaryKey"]!.GetValue<string>());

        var patched = await Arm.PatchAsync($"{service}/subscriptions/s1", new JsonObject { ["properties"] = new JsonObject { ["state"] = "suspended" } });
        Assert.Equal(HttpStatusCode.OK, patched.Status);
        var kept = await Arm.PostAsync($"{service}/subscriptions/s1/listSecrets");
        Assert.Equal(after.Json["primaryKey"]!.GetValue<string>(), kept.Json["primaryKey"]!.GetValue<string>());
        Assert.DoesNotContain(secondary, (await Arm.GetAsync($"{service}/subscriptions")).Body!.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Secret_named_values_are_read_only_through_listValue()
    {
        var service = await Arm.CreateServiceAsync();
        await Arm.CreateAsync($"{service}/namedValues/plain", new JsonObject { ["displayName"] = "plain", ["value"] = "visible" });
        await Arm.CreateAsync($"{service}/namedValues/hidden", new JsonObject { ["displayName"] = "hidden", ["value"] = "s3cret", ["secret"] = true });

        Assert.Equal("visible", (await Arm.GetAsync($"{service}/namedValues/plain")).Properties["value"]!.GetValue<string>());
        Assert.Null((await Arm.GetAsync($"{service}/namedValues/hidden")).Properties["value"]);
        Assert.DoesNotContain("s3cret", (await Arm.GetAsync($"{service}/namedValues")).Body!.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal("s3cret", (await Arm.PostAsync($"{service}/namedValues/hidden/listValue")).Json["value"]!.GetValue<string>());

        var blank = await Arm.PutAsync($"{service}/namedValues/blank", new JsonObject { ["properties"] = new JsonObject { ["displayName"] = "blank", ["value"] = "  " } });
        Assert.Equal("ValidationError", blank.ErrorCode);
    }

    [Fact]
    public async Task Deleting_an_api_deletes_its_children_links_and_api_subscriptions()
    {
        var service = await Arm.CreateServiceAsync();
        await Arm.CreateAsync($"{service}/apis/a1", new JsonObject { ["path"] = "a1" });
        await Arm.CreateAsync($"{service}/apis/a1/operations/o1", new JsonObject { ["displayName"] = "o", ["method"] = "GET", ["urlTemplate"] = "/" });
        await Arm.CreateAsync($"{service}/apis/a1/operations/o1/policies/policy", new JsonObject { ["value"] = EntityCase.Policy });
        await Arm.CreateAsync($"{service}/products/p1", new JsonObject { ["displayName"] = "P" });
        Assert.Equal(HttpStatusCode.Created, (await Arm.PutAsync($"{service}/products/p1/apis/a1", null)).Status);
        await Arm.CreateAsync($"{service}/subscriptions/s1", new JsonObject { ["displayName"] = "s", ["scope"] = "/apis/a1" });

        Assert.Equal(HttpStatusCode.OK, (await Arm.DeleteAsync($"{service}/apis/a1")).Status);

        Assert.Equal("ParentResourceNotFound", (await Arm.GetAsync($"{service}/apis/a1/operations/o1")).ErrorCode);
        Assert.Equal(0, (await Arm.GetAsync($"{service}/products/p1/apis")).Json["count"]!.GetValue<int>());
        Assert.Equal(HttpStatusCode.NotFound, (await Arm.GetAsync($"{service}/subscriptions/s1")).Status);
        var recreated = await Arm.CreateAsync($"{service}/apis/a1", new JsonObject { ["path"] = "a1" });
        Assert.Equal(0, (await Arm.GetAsync($"{service}/apis/a1/operations")).Json["count"]!.GetValue<int>());
        Assert.NotNull(recreated.ETag);
    }

    [Fact]
    public async Task Products_and_users_with_subscriptions_need_deleteSubscriptions()
    {
        var service = await Arm.CreateServiceAsync();
        await Arm.CreateAsync($"{service}/products/p1", new JsonObject { ["displayName"] = "P" });
        await Arm.CreateAsync($"{service}/users/u1", new JsonObject { ["email"] = "u@example.com", ["firstName"] = "U", ["lastName"] = "L" });
        await Arm.CreateAsync($"{service}/subscriptions/s1", new JsonObject { ["displayName"] = "s", ["scope"] = "/products/p1", ["ownerId"] = "/users/u1" });

        var refused = await Arm.DeleteAsync($"{service}/products/p1");
        Assert.Equal(HttpStatusCode.Conflict, refused.Status);
        Assert.Contains("deleteSubscriptions", refused.ErrorMessage, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await Arm.GetAsync($"{service}/products/p1")).Status);
        Assert.Equal(HttpStatusCode.Conflict, (await Arm.DeleteAsync($"{service}/users/u1")).Status);

        Assert.Equal(HttpStatusCode.OK, (await Arm.DeleteAsync($"{service}/products/p1?deleteSubscriptions=true")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await Arm.GetAsync($"{service}/subscriptions/s1")).Status);
        Assert.Equal(HttpStatusCode.OK, (await Arm.DeleteAsync($"{service}/users/u1")).Status);
    }

    [Fact]
    public async Task Parents_and_link_targets_must_exist()
    {
        var service = await Arm.CreateServiceAsync();
        var orphan = await Arm.PutAsync($"{service}/apis/none/operations/o1", new JsonObject
        {
            ["properties"] = new JsonObject { ["displayName"] = "o", ["method"] = "GET", ["urlTemplate"] = "/" },
        });
        Assert.Equal(HttpStatusCode.NotFound, orphan.Status);
        Assert.Equal("ParentResourceNotFound", orphan.ErrorCode);

        await Arm.CreateAsync($"{service}/products/p1", new JsonObject { ["displayName"] = "P" });
        var link = await Arm.PutAsync($"{service}/products/p1/apis/ghost", null);
        Assert.Equal(HttpStatusCode.NotFound, link.Status);

        var inMissingService = await Arm.PutAsync($"{ArmClient.ServicePath(Names.Unique("ghost"))}/tags/t", new JsonObject { ["properties"] = new JsonObject { ["displayName"] = "t" } });
        Assert.Equal("ResourceNotFound", inMissingService.ErrorCode);
    }

    [Fact]
    public async Task Every_service_has_locked_system_groups_new_users_join_developers()
    {
        var service = await Arm.CreateServiceAsync();
        var groups = await Arm.GetAsync($"{service}/groups");
        Assert.Equal(["administrators", "developers", "guests"], groups.Json["value"]!.AsArray().Select(g => g!["name"]!.GetValue<string>()));
        Assert.All(groups.Json["value"]!.AsArray(), g => Assert.True(g!["properties"]!["builtIn"]!.GetValue<bool>()));

        Assert.Equal(HttpStatusCode.Conflict, (await Arm.DeleteAsync($"{service}/groups/developers")).Status);
        Assert.Equal(HttpStatusCode.Conflict, (await Arm.PutAsync($"{service}/groups/guests", new JsonObject { ["properties"] = new JsonObject { ["displayName"] = "x" } })).Status);

        await Arm.CreateAsync($"{service}/users/u1", new JsonObject { ["email"] = "u@example.com", ["firstName"] = "U", ["lastName"] = "L" });
        var members = await Arm.GetAsync($"{service}/groups/developers/users");
        Assert.Equal(["u1"], members.Json["value"]!.AsArray().Select(u => u!["name"]!.GetValue<string>()));
        var userGroups = await Arm.GetAsync($"{service}/users/u1/groups");
        Assert.Equal(["developers"], userGroups.Json["value"]!.AsArray().Select(g => g!["name"]!.GetValue<string>()));

        var duplicateEmail = await Arm.PutAsync($"{service}/users/u2", new JsonObject
        {
            ["properties"] = new JsonObject { ["email"] = "U@example.com", ["firstName"] = "X", ["lastName"] = "Y" },
        });
        Assert.Equal("ValidationError", duplicateEmail.ErrorCode);
    }

    [Fact]
    public async Task Templates_reset_on_delete_and_portal_settings_are_permanent()
    {
        var service = await Arm.CreateServiceAsync();
        var template = $"{service}/templates/newDeveloperNotificationMessage";
        var original = await Arm.GetAsync(template);
        Assert.True(original.Properties["isDefault"]!.GetValue<bool>());

        var edited = await Arm.PutAsync(template, new JsonObject { ["properties"] = new JsonObject { ["subject"] = "Welcome!", ["body"] = "<html/>" } });
        Assert.Equal(HttpStatusCode.OK, edited.Status);
        Assert.False(edited.Properties["isDefault"]!.GetValue<bool>());
        Assert.Equal(HttpStatusCode.OK, (await Arm.DeleteAsync(template)).Status);
        var reset = await Arm.GetAsync(template);
        Assert.Equal(original.Properties["subject"]!.GetValue<string>(), reset.Properties["subject"]!.GetValue<string>());
        Assert.Equal(14, (await Arm.GetAsync($"{service}/templates")).Json["count"]!.GetValue<int>());

        var signup = await Arm.PatchAsync($"{service}/portalsettings/signup", new JsonObject { ["properties"] = new JsonObject { ["enabled"] = false } });
        Assert.Equal(HttpStatusCode.NoContent, signup.Status);
        Assert.False((await Arm.GetAsync($"{service}/portalsettings/signup")).Properties["enabled"]!.GetValue<bool>());
        Assert.Equal(HttpStatusCode.Conflict, (await Arm.DeleteAsync($"{service}/portalsettings/signin")).Status);
        await Arm.PutAsync($"{service}/portalsettings/delegation", new JsonObject { ["properties"] = new JsonObject { ["url"] = "https://d.example", ["validationKey"] = "dmFsaWRhdGlvbg==" } });
        Assert.Null((await Arm.GetAsync($"{service}/portalsettings/delegation")).Properties["validationKey"]);
        Assert.Equal("dmFsaWRhdGlvbg==", (await Arm.PostAsync($"{service}/portalsettings/delegation/listSecrets")).Json["validationKey"]!.GetValue<string>());
    }

    [Fact]
    public async Task Policies_are_checked_when_saved()
    {
        var service = await Arm.CreateServiceAsync();
        var broken = await Arm.PutAsync($"{service}/policies/policy", new JsonObject { ["properties"] = new JsonObject { ["value"] = "<policies><inbound>" } });
        Assert.Equal("ValidationError", broken.ErrorCode);
        Assert.Contains("well-formed", broken.ErrorMessage, StringComparison.Ordinal);
        var wrongRoot = await Arm.PutAsync($"{service}/policies/policy", new JsonObject { ["properties"] = new JsonObject { ["value"] = "<policy/>" } });
        Assert.Contains("<policies>", wrongRoot.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Two_apis_share_a_path_only_as_versions_of_one_set()
    {
        var service = await Arm.CreateServiceAsync();
        await Arm.CreateAsync($"{service}/apis/a1", new JsonObject { ["path"] = "orders" });
        var clash = await Arm.PutAsync($"{service}/apis/a2", new JsonObject { ["properties"] = new JsonObject { ["path"] = "orders" } });
        Assert.Equal("ValidationError", clash.ErrorCode);

        await Arm.CreateAsync($"{service}/apiVersionSets/vs", new JsonObject { ["displayName"] = "Orders", ["versioningScheme"] = "Segment" });
        await Arm.CreateAsync($"{service}/apis/v1", new JsonObject { ["path"] = "billing", ["apiVersionSetId"] = "/apiVersionSets/vs", ["apiVersion"] = "v1" });
        var v2 = await Arm.CreateAsync($"{service}/apis/v2", new JsonObject { ["path"] = "billing", ["apiVersionSetId"] = "/apiVersionSets/vs", ["apiVersion"] = "v2" });
        Assert.EndsWith("/apiVersionSets/vs", v2.Properties["apiVersionSetId"]!.GetValue<string>(), StringComparison.Ordinal);
        var sameVersion = await Arm.PutAsync($"{service}/apis/v3", new JsonObject { ["properties"] = new JsonObject { ["path"] = "billing", ["apiVersionSetId"] = "/apiVersionSets/vs", ["apiVersion"] = "v2" } });
        Assert.Equal("ValidationError", sameVersion.ErrorCode);
    }

    [Fact]
    public async Task Views_list_a_products_subscriptions_and_an_apis_products()
    {
        var service = await Arm.CreateServiceAsync();
        await Arm.CreateAsync($"{service}/apis/a1", new JsonObject { ["path"] = "a1" });
        await Arm.CreateAsync($"{service}/products/p1", new JsonObject { ["displayName"] = "P1" });
        await Arm.PutAsync($"{service}/products/p1/apis/a1", null);
        await Arm.CreateAsync($"{service}/subscriptions/s1", new JsonObject { ["displayName"] = "s", ["scope"] = "/products/p1" });
        await Arm.CreateAsync($"{service}/subscriptions/s2", new JsonObject { ["displayName"] = "s", ["scope"] = "/apis" });

        Assert.Equal(["s1"], (await Arm.GetAsync($"{service}/products/p1/subscriptions")).Json["value"]!.AsArray().Select(s => s!["name"]!.GetValue<string>()));
        Assert.Equal(["p1"], (await Arm.GetAsync($"{service}/apis/a1/products")).Json["value"]!.AsArray().Select(s => s!["name"]!.GetValue<string>()));
        var productGroups = await Arm.GetAsync($"{service}/products/p1/groups");
        Assert.Equal(["administrators"], productGroups.Json["value"]!.AsArray().Select(s => s!["name"]!.GetValue<string>()));
    }
}

public sealed class EntityBehaviourTestsOnSqlite(SqliteServer fixture) : EntityBehaviourTests(fixture), IClassFixture<SqliteServer>;

public sealed class EntityBehaviourTestsOnPostgres(PostgresServer fixture) : EntityBehaviourTests(fixture), IClassFixture<PostgresServer>;
