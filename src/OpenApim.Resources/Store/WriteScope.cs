namespace OpenApim.Resources.Store;

/// <summary>Which service-level guard a write passes through.</summary>
public enum WriteScope
{
    /// <summary>Entity writes: refused while a restore of the service runs.</summary>
    Entity,

    /// <summary>Service-level changes (SKU, hostnames, delete): refused while any backup or restore runs.</summary>
    Service,

    /// <summary>A standby applying the stream it follows: the only writes a following service accepts.</summary>
    Replication,

    /// <summary>A restore's own entity writes (an undelete of chosen entities): passes the check for a running restore, which is itself.</summary>
    Restore,
}
