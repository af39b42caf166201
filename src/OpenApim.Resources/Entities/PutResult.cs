using OpenApim.Resources.Model;

namespace OpenApim.Resources.Entities;

/// <summary>The result of a PUT: the stored entity and whether it was created.</summary>
public sealed record PutResult(StoredResource Entity, bool Created);
