namespace OpenApim.Resources.Model;

/// <summary>What clients may do to seeded entities.</summary>
internal enum SeedBehavior
{
    /// <summary>Neither changed nor deleted (system groups).</summary>
    Locked,

    /// <summary>Changed freely; DELETE resets to the seeded content (email templates).</summary>
    ResetOnDelete,

    /// <summary>Changed freely; never deleted (portal settings).</summary>
    Permanent,
}
