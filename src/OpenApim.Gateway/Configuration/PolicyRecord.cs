using OpenApim.Resources.Model;

namespace OpenApim.Gateway.Configuration;

/// <summary>A policy; <see cref="Owner"/> names its scope (e.g. [api] or [api, operation] or [product]).</summary>
internal sealed record PolicyRecord(ResourceKind Kind, IReadOnlyList<string> Owner, string Xml) : GatewayRecord;
