using System.CommandLine;
using System.Text.Json.Nodes;

namespace OpenApim.Cli.Common;

/// <summary>The commands every entity kind under a service shares: show, list, delete, and a create that PUTs its properties.</summary>
internal static class ResourceCommands
{
    public static string Path(ArmSession arm, CliContext context, string segment, Option<string> id) =>
        $"{arm.Service(context.Get(CommonOptions.Group), context.Get(CommonOptions.Name))}/{segment}/{ArmSession.Segment(context.Get(id), id.Name)}";

    /// <summary>A command group with show, list and delete for one kind; create is added by the caller.</summary>
    public static Command Family(string name, string description, string segment, Option<string> id, (string Header, string Path)[] columns)
    {
        var family = new Command(name, description);
        var show = new Command("show", "Show one.") { CommonOptions.Group, CommonOptions.Name, id };
        show.SetAction((parse, ct) => CommandRunner.RunAsync((parse, ct), async context =>
        {
            var arm = await context.ArmAsync();
            var item = await arm.GetAsync(Path(arm, context, segment, id), context.Cancellation);
            context.Write(item, () => CliContext.Rows([item], columns));
        }));
        var list = new Command("list", "List them.") { CommonOptions.Group, CommonOptions.Name };
        list.SetAction((parse, ct) => CommandRunner.RunAsync((parse, ct), async context =>
        {
            var arm = await context.ArmAsync();
            var items = await arm.ListAsync($"{arm.Service(context.Get(CommonOptions.Group), context.Get(CommonOptions.Name))}/{segment}", context.Cancellation);
            context.Write(new JsonArray([.. items.Select(i => i.DeepClone())]), () => CliContext.Rows(items, columns));
        }));
        var delete = new Command("delete", "Delete one.") { CommonOptions.Group, CommonOptions.Name, id };
        delete.SetAction((parse, ct) => CommandRunner.RunAsync((parse, ct), async context =>
        {
            var arm = await context.ArmAsync();
            await arm.SendAsync(HttpMethod.Delete, Path(arm, context, segment, id), null, context.Cancellation, headers: new Dictionary<string, string> { ["If-Match"] = "*" });
            context.Write(new JsonObject { ["deleted"] = context.Get(id) });
        }));
        family.Subcommands.Add(show);
        family.Subcommands.Add(list);
        family.Subcommands.Add(delete);
        return family;
    }

    /// <summary>A command that PUTs the entity with the properties its options give (those left out are not sent).</summary>
    public static Command Put(string name, string description, string segment, Option<string> id, Option[] options, Func<CliContext, JsonObject> properties)
    {
        var command = new Command(name, description) { CommonOptions.Group, CommonOptions.Name, id };
        foreach (var option in options)
        {
            command.Options.Add(option);
        }

        command.SetAction((parse, ct) => CommandRunner.RunAsync((parse, ct), async context =>
        {
            var props = properties(context);
            foreach (var key in props.Where(kv => kv.Value is null).Select(kv => kv.Key).ToList())
            {
                props.Remove(key);
            }

            var arm = await context.ArmAsync();
            var (_, body, _) = await arm.SendAsync(HttpMethod.Put, Path(arm, context, segment, id), new JsonObject { ["properties"] = props }, context.Cancellation);
            context.Write(body, () => CliContext.Fields(("Name", CliContext.Read(body, "name")), ("Resource", CliContext.Read(body, "id"))));
        }));
        return command;
    }
}
