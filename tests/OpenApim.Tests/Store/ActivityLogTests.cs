using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using OpenApim.Tests.Infrastructure;
using static OpenApim.Tests.Identity.DirectoryClient;

namespace OpenApim.Tests.Store;

/// <summary>ARM's activity log over the journal, with the $filter az monitor activity-log list sends.</summary>
public abstract class ActivityLogTests(ServerFixture fixture)
{
    private ArmClient Admin => fixture.Arm;

    private static string Path(string filter, string? skip = null) =>
        $"/subscriptions/{ArmClient.Subscription}/providers/Microsoft.Insights/eventtypes/management/values?$filter={Uri.EscapeDataString(filter)}" + (skip is null ? "" : $"&$skiptoken={skip}");

    private static string Window(TimeSpan back) =>
        $"eventTimestamp ge {(DateTime.UtcNow - back).ToString("s", CultureInfo.InvariantCulture)} and eventTimestamp le {DateTime.UtcNow.AddMinutes(1).ToString("s", CultureInfo.InvariantCulture)}";

    [Fact]
    public async Task Events_say_who_did_what_and_filter_like_az_monitor()
    {
        var group = Names.Unique("rg-audit");
        var app = await Admin.CreateAppAsync();
        await Admin.AssignAsync($"/subscriptions/{ArmClient.Subscription}/resourceGroups/{group}", Contributor, app.ObjectId);
        using var arm = await fixture.Server.CreateArmClientAsync(app.AppId, app.Secret);
        var service = ArmClient.ServicePath(Names.Unique("audit"), group);
        Assert.Equal(HttpStatusCode.Created, (await arm.PutAsync(service, ArmClient.ServiceBody())).Status);
        await arm.CreateAsync($"{service}/apis/orders", new JsonObject { ["path"] = "orders" });
        await arm.DeleteAsync($"{service}/apis/orders");

        var result = await Admin.GetAsync(Path($"{Window(TimeSpan.FromHours(1))} and resourceGroupName eq '{group}'"), "2015-04-01");
        Assert.Equal(HttpStatusCode.OK, result.Status);
        var events = result.Json["value"]!.AsArray().Select(e => e!.AsObject()).ToList();
        Assert.All(events, e => Assert.Equal(group, e["resourceGroupName"]!.GetValue<string>()));
        var delete = Assert.Single(events, e => e["operationName"]!["value"]!.GetValue<string>() == "Microsoft.ApiManagement/service/apis/delete");
        Assert.Equal($"{service}/apis/orders", delete["resourceId"]!.GetValue<string>());
        Assert.Equal(app.AppId, delete["caller"]!.GetValue<string>());
        Assert.Equal("DELETE", delete["httpRequest"]!["method"]!.GetValue<string>());
        Assert.Equal("Administrative", delete["category"]!["value"]!.GetValue<string>());
        Assert.Equal(events.Select(e => e["eventTimestamp"]!.GetValue<string>()).OrderDescending(StringComparer.Ordinal), events.Select(e => e["eventTimestamp"]!.GetValue<string>()));
        Assert.Contains(events, e => e["operationName"]!["value"]!.GetValue<string>() == "Microsoft.ApiManagement/service/write");

        var byResource = await Admin.GetAsync(Path($"{Window(TimeSpan.FromHours(1))} and resourceId eq '{service}/apis/orders'"), "2015-04-01");
        Assert.Equal(2, byResource.Json["value"]!.AsArray().Count);
        var byCaller = await Admin.GetAsync(Path($"{Window(TimeSpan.FromHours(1))} and caller eq '{Guid.NewGuid()}'"), "2015-04-01");
        Assert.Empty(byCaller.Json["value"]!.AsArray());
        var past = await Admin.GetAsync(Path($"eventTimestamp ge 2020-01-01T00:00:00 and eventTimestamp le 2020-01-02T00:00:00 and resourceGroupName eq '{group}'"), "2015-04-01");
        Assert.Empty(past.Json["value"]!.AsArray());
    }

    [Fact]
    public async Task Role_assignments_and_resource_groups_are_in_the_subscription_log_but_app_registrations_are_not()
    {
        var group = Names.Unique("rg-grants");
        var scope = $"/subscriptions/{ArmClient.Subscription}/resourceGroups/{group}";
        Assert.Equal(HttpStatusCode.Created, (await Admin.PutAsync(scope, new JsonObject { ["location"] = "westeurope" }, apiVersion: "2021-04-01")).Status);
        // A group whose name only starts like this one's: its events sort in between in the journal's key index.
        var lookalike = $"{scope}-x";
        Assert.Equal(HttpStatusCode.Created, (await Admin.PutAsync(lookalike, new JsonObject { ["location"] = "westeurope" }, apiVersion: "2021-04-01")).Status);
        var app = await Admin.CreateAppAsync(displayName: group);
        var name = await Admin.AssignAsync(scope, Reader, app.ObjectId);
        Assert.Equal(HttpStatusCode.OK, (await Admin.DeleteAsync(AssignmentPath(scope, name), ifMatch: null, apiVersion: AuthorizationVersion)).Status);
        var atSubscription = await Admin.AssignAsync($"/subscriptions/{ArmClient.Subscription}", Reader, app.ObjectId);

        var inGroup = (await Admin.GetAsync(Path($"{Window(TimeSpan.FromHours(1))} and resourceGroupName eq '{group}'"), "2015-04-01")).Json["value"]!.AsArray()
            .Select(e => e!.AsObject()).ToList();
        Assert.All(inGroup, e => Assert.Equal(group, e["resourceGroupName"]!.GetValue<string>()));
        string Operation(JsonObject e) => e["operationName"]!["value"]!.GetValue<string>();
        Assert.Equal(
            ["Microsoft.Authorization/roleAssignments/delete", "Microsoft.Authorization/roleAssignments/write", "Microsoft.Resources/subscriptions/resourceGroups/write"],
            inGroup.Select(Operation));
        var grant = inGroup[1];
        Assert.Equal(AssignmentPath(scope, name), grant["resourceId"]!.GetValue<string>());
        Assert.Equal("Microsoft.Authorization", grant["resourceProviderName"]!["value"]!.GetValue<string>());
        Assert.Equal("Microsoft.Authorization/roleAssignments", grant["resourceType"]!["value"]!.GetValue<string>());
        Assert.Equal(fixture.Server.ClientId, grant["caller"]!.GetValue<string>());
        Assert.Equal("DELETE", inGroup[0]["httpRequest"]!["method"]!.GetValue<string>());
        Assert.Equal(scope, inGroup[2]["resourceId"]!.GetValue<string>());

        // Without a group: the subscription-scope grant too; never the app registration (Entra's audit log, not ARM's).
        var all = (await Admin.GetAsync(Path(Window(TimeSpan.FromHours(1))), "2015-04-01")).Json["value"]!.AsArray().Select(e => e!.AsObject()).ToList();
        Assert.Contains(all, e => e["resourceId"]!.GetValue<string>() == AssignmentPath($"/subscriptions/{ArmClient.Subscription}", atSubscription) && e["resourceGroupName"]!.GetValue<string>() == "");
        Assert.DoesNotContain(all, e => e["resourceId"]!.GetValue<string>().Contains(app.AppId, StringComparison.OrdinalIgnoreCase));
        var authorization = (await Admin.GetAsync(Path($"{Window(TimeSpan.FromHours(1))} and resourceProvider eq 'Microsoft.Authorization' and resourceGroupName eq '{group}'"), "2015-04-01"))
            .Json["value"]!.AsArray();
        Assert.Equal(2, authorization.Count);
    }

    [Theory]
    [InlineData("")]
    [InlineData("eventTimestamp ge 2026-01-01T00:00:00")]
    [InlineData("eventTimestamp ge yesterday and eventTimestamp le today")]
    [InlineData("eventTimestamp ge 2026-01-01T00:00:00 and eventTimestamp le 2026-01-02T00:00:00 and 1 eq 1 or x")]
    [InlineData("eventTimestamp ge 2020-01-01T00:00:00 and eventTimestamp le 2026-01-02T00:00:00")]
    public async Task Bad_filters_get_a_clear_400(string filter)
    {
        var result = await Admin.GetAsync(Path(filter), "2015-04-01");
        Assert.Equal(HttpStatusCode.BadRequest, result.Status);
        Assert.Equal("InvalidFilter", result.ErrorCode);
    }
}

public sealed class ActivityLogTestsOnSqlite(SqliteServer fixture) : ActivityLogTests(fixture), IClassFixture<SqliteServer>;

public sealed class ActivityLogTestsOnPostgres(PostgresServer fixture) : ActivityLogTests(fixture), IClassFixture<PostgresServer>;
