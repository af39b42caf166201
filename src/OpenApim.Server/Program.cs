using OpenApim.Server.Configuration;
using OpenApim.Server.Hosting;

if (args.Contains("--help") || args.Contains("-h"))
{
    Console.WriteLine(ServerSettings.Help());
    return;
}

var app = await OpenApimHost.BuildAsync(args);
await app.RunAsync();
