using Yarp.ReverseProxy.Configuration;

// bench helpers: `backend PORT` answers "Hello, World!" to everything; `yarp PORT DESTINATION` is bare YARP with one route.
var mode = args.Length > 0 ? args[0] : "";
var port = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 0;
var builder = WebApplication.CreateSlimBuilder();
builder.Logging.ClearProviders();
builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
switch (mode)
{
    case "backend":
    {
        var app = builder.Build();
        app.Run(context => context.Response.WriteAsync("Hello, World!"));
        await app.RunAsync();
        return 0;
    }

    case "yarp":
    {
        builder.Services.AddReverseProxy().LoadFromMemory(
            [new RouteConfig { RouteId = "all", ClusterId = "backend", Match = new RouteMatch { Path = "{**catch-all}" } }],
            [new ClusterConfig { ClusterId = "backend", Destinations = new Dictionary<string, DestinationConfig> { ["d"] = new() { Address = args[2] } } }]);
        var app = builder.Build();
        app.MapReverseProxy();
        await app.RunAsync();
        return 0;
    }

    default:
        Console.Error.WriteLine("usage: OpenApim.Bench backend PORT | yarp PORT DESTINATION");
        return 2;
}
