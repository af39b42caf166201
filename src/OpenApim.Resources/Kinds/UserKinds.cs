using System.Text.Json.Nodes;
using OpenApim.Resources.Kinds.Schema;
using OpenApim.Resources.Model;
using OpenApim.Resources.Queries;

namespace OpenApim.Resources.Kinds;

/// <summary>Users, groups and their membership: with subscriptions (<see cref="SubscriptionKinds"/>), the runtime data of a service.</summary>
internal static partial class UserKinds
{
    public static readonly ResourceKind Users = new()
    {
        Path = "users",
        Names = NameRule.Max(80),
        Backup = BackupScope.Runtime,
        Properties =
        [
            P.Str("email").Req().Len(1, 254),
            P.Str("firstName").Req().Len(1, 100),
            P.Str("lastName").Req().Len(1, 100),
            P.Str("password").Secret(),
            P.Enum("appType", "portal", "developerPortal"),
            P.Enum("confirmation", "signup", "invite"),
            P.Enum("state", "active", "blocked", "pending", "deleted").Default("active"),
            P.Str("note"),
            P.Arr("identities", P.Obj("[]", P.Str("provider"), P.Str("id"))),
            P.Date("registrationDate").RO(),
            P.Arr("groups").RO(),
        ],
        Hooks = new KindHooks { BeforeWrite = WriteUserAsync, BeforeDelete = ctx => Subscriptions.DeleteReferencingAsync(ctx, "ownerId") },
    };

    public static readonly ResourceKind Groups = new()
    {
        Path = "groups",
        Properties =
        [
            P.Str("displayName").Req().Len(1, 300),
            P.Str("description").Max(1000),
            P.Bool("builtIn").RO(),
            P.Enum("type", "custom", "system", "external").Default("custom"),
            P.Str("externalId"),
        ],
        Seeds =
        [
            SystemGroup("administrators", "Administrators", "Administrators is a built-in group. Its membership is managed by the system. Microsoft Azure subscription administrators fall into this group."),
            SystemGroup("developers", "Developers", "Developers is a built-in group. Its membership is managed by the system. Signed-in users fall into this group."),
            SystemGroup("guests", "Guests", "Guests is a built-in group. Its membership is managed by the system. Unauthenticated users visiting the developer portal fall into this group."),
        ],
        Hooks = new KindHooks
        {
            BeforeWrite = ctx =>
            {
                if (ctx.Properties["type"]?.GetValue<string>() == "system")
                {
                    ctx.Problem("properties.type", "Only the built-in groups are of type 'system'; use 'custom' or 'external'.");
                }

                ctx.Properties["builtIn"] = false;
                return Task.CompletedTask;
            },
        },
    };

    public static readonly ResourceKind GroupUsers = new() { Path = "groups/users", LinkTarget = Users, IfMatchRequired = false, Patchable = false, Backup = BackupScope.Runtime };

    public static IReadOnlyList<ResourceKind> All { get; } = [Users, Groups, GroupUsers, SubscriptionKinds.Subscriptions];

    private static SeedEntity SystemGroup(string name, string displayName, string description) => new(name, new JsonObject
    {
        ["displayName"] = displayName,
        ["description"] = description,
        ["builtIn"] = true,
        ["type"] = "system",
    });

    private static async Task WriteUserAsync(EntityWriteContext ctx)
    {
        var p = ctx.Properties;
        var email = p["email"]!.GetValue<string>();
        if (!IsEmail(email))
        {
            ctx.Problem("properties.email", $"'email' value '{(email.Length > 80 ? email[..80] + "..." : email)}' is not an email address (local-part@domain.example).");
            return;
        }

        var same = await ctx.Store.ListAsync(ListQuery.InService(Users, ctx.Address.Service) with { Filter = new CompareFilter("email", "eq", email), Top = 2 }, ctx.Cancellation);
        if (same.Items.Any(u => u.Address != ctx.Address))
        {
            ctx.Problem("properties.email", $"Email '{email}' is already registered by another user of this service.");
        }

        // A PATCH carries the stored hash along unchanged; only a new value is hashed.
        var stored = ctx.Existing?["password"]?.GetValue<string>();
        if (p["password"] is JsonValue pw && pw.TryGetValue<string>(out var password) && password != stored)
        {
            p["password"] = PasswordHash.Hash(password);
        }
        else if (stored is not null)
        {
            p["password"] = stored;
        }

        p["registrationDate"] = ctx.Existing?["registrationDate"]?.DeepClone() ?? Clock.Now(ctx.Time);
        p["identities"] ??= new JsonArray(new JsonObject { ["provider"] = "Basic", ["id"] = email });
        p.Remove("confirmation");
        p.Remove("appType");

        if (ctx.IsCreate)
        {
            // As in API Management, every new user is a member of Developers.
            var developers = ctx.Address.Sibling(Groups, "developers");
            await ctx.Store.PutAsync(ResourceRow.Entity(new EntityAddress(ctx.Address.Service, GroupUsers, [developers.Name, ctx.Address.Name]), []), null, ctx.Cancellation);
        }
    }

    /// <summary>One address, as a mail system would accept it: a local part, '@', a dotted domain, no spaces or brackets.</summary>
    private static bool IsEmail(string email) =>
        EmailPattern().IsMatch(email) && System.Net.Mail.MailAddress.TryCreate(email, out var parsed) && parsed.Address == email;

    [System.Text.RegularExpressions.GeneratedRegex("""^[^\s@<>()\[\]\\,;:"]+@[^\s@<>()\[\]\\,;:".]+(\.[^\s@<>()\[\]\\,;:".]+)+\z""")]
    private static partial System.Text.RegularExpressions.Regex EmailPattern();
}
