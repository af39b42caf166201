using System.Text.Json.Nodes;
using OpenApim.Resources.Arm;

namespace OpenApim.Resources.Store;

/// <summary>A soft-deleted service: where it was, its document as it was, and when it was deleted.</summary>
public sealed record DeletedService(long StoreId, ServiceRef Service, JsonObject Document, DateTimeOffset DeletedAt);
