namespace OpenApim.Gateway.Policies;

/// <summary><c>set-backend-service</c>: another base URL, or a backend entity with its credentials.</summary>
internal sealed class SetBackendServiceStep(Func<GatewayContext, string>? baseUrl, string? backendId) : SyncStep
{
    protected override GatewayResponse? Run(GatewayContext c)
    {
        if (baseUrl is not null)
        {
            c.BackendUrl = baseUrl(c);
            c.Backend = null;
            return null;
        }

        if (!c.Service.Backends.TryGetValue(backendId!, out var backend))
        {
            return GatewayResponse.Error(500, $"The backend '{backendId}' named by set-backend-service does not exist.", "set-backend-service");
        }

        c.Backend = backend;
        c.BackendUrl = backend.Url;
        return null;
    }
}
