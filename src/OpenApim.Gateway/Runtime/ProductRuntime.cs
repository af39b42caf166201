using OpenApim.Policies;

namespace OpenApim.Gateway.Runtime;

/// <summary>A product: whether it is published, needs a subscription, and its policy.</summary>
internal sealed record ProductRuntime(string Name, string State, bool SubscriptionRequired, PolicySections Policy);
