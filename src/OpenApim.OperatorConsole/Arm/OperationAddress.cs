using System.Text.RegularExpressions;

namespace OpenApim.OperatorConsole.Arm;

/// <summary>A long-running operation of a service: its status document in ARM and its page in the console.</summary>
public sealed partial record OperationAddress(ServiceAddress Service, string Id)
{
    public string Status => $"{Service.Id}/operationresults/{Id}?asyncResponse=true";

    public string Result => $"{Service.Id}/operationresults/{Id}";

    public string Page => $"/console/operations/{Service.Subscription}/{Service.ResourceGroup}/{Service.Name}/{Id}";

    public string Events => $"/console/live/operations/{Service.Subscription}/{Service.ResourceGroup}/{Service.Name}/{Id}";

    public static OperationAddress? Create(ServiceAddress service, string? id) => id is not null && IdPattern().IsMatch(id) ? new OperationAddress(service, id) : null;

    /// <summary>The operation a 202's Location names (<c>.../operationresults/{id}</c>) when it is one of this service's.</summary>
    public static OperationAddress? FromLocation(ServiceAddress service, string? location)
    {
        if (!Uri.TryCreate(location, UriKind.Absolute, out var uri))
        {
            return null;
        }

        var path = uri.AbsolutePath;
        var marker = $"{service.Id}/operationresults/";
        return path.StartsWith(marker, StringComparison.OrdinalIgnoreCase) ? Create(service, path[marker.Length..]) : null;
    }

    [GeneratedRegex("^[A-Za-z0-9-]{1,80}$")]
    private static partial Regex IdPattern();
}
