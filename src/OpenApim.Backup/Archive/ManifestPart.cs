using OpenApim.Resources.Model;

namespace OpenApim.Backup.Archive;

/// <summary>One part of an archive: a file of NDJSON rows of one kind (or <c>service.json</c>).</summary>
internal sealed record ManifestPart(string Path, string Kind, BackupScope Scope, long Count, long Bytes, string Sha256);
