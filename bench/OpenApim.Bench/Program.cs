using Yarp.ReverseProxy.Configuration;

// bench helpers: `backend PORT` answers "Hello, World!" to everything; `yarp PORT DESTINATION` is bare YARP with one route;
// `writes STORE N ROUNDS`, `propagation ENDPOINTS SERVICE ROUNDS PATH`, `restore-to-serving ENDPOINTS STANDBY BODY PATH KEY` and
// `replication PRIMARY_ENDPOINTS STANDBY_ENDPOINTS AZURITE_URL CONTAINER SECONDS RATE PATH` (WriteBench, PropagationProbe, RestoreProbe, ReplicationBench).
var mode = args.Length > 0 ? args[0] : "";
if (mode == "writes")
{
    return await OpenApim.Bench.WriteBench.RunAsync(args[1], int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture), int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture));
}

if (mode == "propagation")
{
    return await OpenApim.Bench.PropagationProbe.RunAsync(args[1], args[2], int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture), args[4]);
}

if (mode == "restore-to-serving")
{
    return await OpenApim.Bench.RestoreProbe.RunAsync(args[1], args[2], args[3], args[4], args[5]);
}

if (mode == "replication")
{
    var number = (int i) => int.Parse(args[i], System.Globalization.CultureInfo.InvariantCulture);
    return await OpenApim.Bench.ReplicationBench.RunAsync(args[1], args[2], args[3], args[4], number(5), number(6), args[7]);
}

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
        // For the allocations-per-request figure; a literal route wins over the proxy's catch-all.
        app.MapGet("/__bench/allocated", () => GC.GetTotalAllocatedBytes().ToString(System.Globalization.CultureInfo.InvariantCulture));
        app.MapReverseProxy();
        await app.RunAsync();
        return 0;
    }

    default:
        Console.Error.WriteLine("usage: OpenApim.Bench backend PORT | yarp PORT DESTINATION | writes STORE N ROUNDS | propagation ENDPOINTS SERVICE ROUNDS PATH | restore-to-serving ENDPOINTS STANDBY BODY PATH KEY");
        return 2;
}
