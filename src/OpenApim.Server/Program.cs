using OpenApim.Server.Configuration;
using OpenApim.Server.Hosting;
using OpenApim.Server.Tools;

if (args.Contains("--help") || args.Contains("-h"))
{
    Console.WriteLine(ServerSettings.Help());
    return 0;
}

if (args.Length > 0 && args[0] == "seed")
{
    using var cancel = new CancellationTokenSource();
    Console.CancelKeyPress += (_, e) =>
    {
        e.Cancel = true;
        cancel.Cancel();
    };
    return await SeedCommand.RunAsync(args[1..], TimeProvider.System, cancel.Token);
}

var app = await OpenApimHost.BuildAsync(args);
await app.RunAsync();
return 0;
