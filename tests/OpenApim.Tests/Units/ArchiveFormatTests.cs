using System.Security.Cryptography;
using System.Text.Json.Nodes;
using OpenApim.Backup.Archive;
using OpenApim.Resources.Kinds;
using OpenApim.Tests.Infrastructure;

namespace OpenApim.Tests.Units;

/// <summary>
/// The archive format on its own (no server, no storage): what the writer produces the reader gives back, secrets are
/// encrypted in the file and only readable with the key, and any change to a part, the manifest or its seal is caught.
/// </summary>
public sealed class ArchiveFormatTests : IDisposable
{
    private static readonly DateTimeOffset Created = new(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);
    private readonly string _folder = Directory.CreateTempSubdirectory("openapim-archive-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task What_is_written_reads_back_row_for_row(bool encrypted)
    {
        var key = encrypted ? RandomNumberGenerator.GetBytes(32) : null;
        var file = await WriteAsync(key, apis: 250);

        using var archive = ArchiveReader.Open(file, key);
        Assert.Equal(Manifest.Current, archive.Manifest.FormatVersion);
        Assert.Equal("Developer", archive.Manifest.Source.Sku);
        Assert.Equal(encrypted, archive.Manifest.Encryption is not null);
        Assert.Equal("orders", archive.ReadService()["name"]!.GetValue<string>());
        var apis = archive.ReadPart(archive.EntityParts.Single(p => p.Kind == KindCatalog.Apis.Path)).ToList();
        Assert.Equal(Enumerable.Range(0, 250).Select(i => $"apis/Api{i}"), apis.Select(r => r.Path));
        Assert.Equal(Created, apis[0].Created);
        var value = archive.ReadPart(archive.EntityParts.Single(p => p.Kind == KindCatalog.NamedValues.Path)).Single();
        Assert.Equal("s3cret", JsonNode.Parse(value.Body)!["properties"]!["value"]!.GetValue<string>());
    }

    [Fact]
    public async Task Secrets_are_not_in_the_file_of_an_encrypted_backup_and_need_its_key()
    {
        var key = RandomNumberGenerator.GetBytes(32);
        var file = await WriteAsync(key, apis: 1);
        var craft = new ArchiveCraft(await File.ReadAllBytesAsync(file));
        Assert.DoesNotContain("s3cret", craft.Text(PartNames.For(KindCatalog.NamedValues.Path)), StringComparison.Ordinal);
        Assert.Contains(SecretCipher.Prefix, craft.Text(PartNames.For(KindCatalog.NamedValues.Path)), StringComparison.Ordinal);

        Assert.Equal("EncryptionKeyMissing", Assert.Throws<ArchiveException>(() => ArchiveReader.Open(file, null)).Problem);
        Assert.Equal("EncryptionKeyMismatch", Assert.Throws<ArchiveException>(() => ArchiveReader.Open(file, RandomNumberGenerator.GetBytes(32))).Problem);
    }

    [Fact]
    public async Task A_changed_part_fails_its_checksum_when_read()
    {
        var file = await WriteAsync(null, apis: 3);
        var part = PartNames.For(KindCatalog.Apis.Path);
        var craft = new ArchiveCraft(await File.ReadAllBytesAsync(file));
        var tampered = Save(craft.Set(part, craft.Text(part).Replace("Api1", "Evil", StringComparison.Ordinal)).Build());

        using var archive = ArchiveReader.Open(tampered, null);
        var e = Assert.Throws<ArchiveException>(() => archive.ReadPart(archive.EntityParts.Single(p => p.Path == part)).ToList());
        Assert.Equal("BackupCorrupted", e.Problem);
    }

    [Fact]
    public async Task The_manifest_of_an_encrypted_backup_is_sealed()
    {
        var key = RandomNumberGenerator.GetBytes(32);
        var file = await WriteAsync(key, apis: 3);
        var craft = new ArchiveCraft(await File.ReadAllBytesAsync(file));

        // Moving the expiry (or anything else) breaks the seal, even with checksums that still match.
        var extended = Save(craft.EditManifest(m => m["expiresAt"] = Manifest.Time(Created.AddYears(10))).Build());
        Assert.Equal("BackupCorrupted", Assert.Throws<ArchiveException>(() => ArchiveReader.Open(extended, key)).Problem);

        // Stripping the encryption member does not make it an unencrypted backup.
        var stripped = Save(new ArchiveCraft(await File.ReadAllBytesAsync(file)).EditManifest(m => m.Remove("encryption")).Build());
        Assert.Throws<ArchiveException>(() =>
        {
            using var archive = ArchiveReader.Open(stripped, null);
            archive.ReadPart(archive.EntityParts.Single(p => p.Kind == KindCatalog.NamedValues.Path)).ToList();
        });
    }

    [Fact]
    public async Task A_newer_major_version_is_refused_by_name()
    {
        var file = await WriteAsync(null, apis: 1);
        var future = Save(new ArchiveCraft(await File.ReadAllBytesAsync(file)).EditManifest(m => m["formatVersion"] = "2.0").Build());
        var e = Assert.Throws<ArchiveException>(() => ArchiveReader.Open(future, null));
        Assert.Equal("UnsupportedFormatVersion", e.Problem);
        Assert.Contains("2.0", e.Message, StringComparison.Ordinal);
    }

    private async Task<string> WriteAsync(byte[]? key, int apis)
    {
        var file = Path.Combine(_folder, Guid.NewGuid().ToString("N") + ".zip");
        var cipher = key is null ? null : new SecretCipher(key);
        await using (var output = File.Create(file))
        await using (var writer = new ArchiveWriter(output, cipher))
        {
            await writer.WriteServiceAsync(new JsonObject { ["name"] = "orders", ["sku"] = new JsonObject { ["name"] = "Developer", ["capacity"] = 1 } }, default);
            for (var i = 0; i < apis; i++)
            {
                await writer.WriteRowAsync(KindCatalog.Apis, $"apis/Api{i}", Created, Created, new JsonObject { ["properties"] = new JsonObject { ["displayName"] = $"Api {i}", ["path"] = $"p{i}" } }.ToJsonString(), default);
            }

            await writer.WriteRowAsync(KindCatalog.NamedValues, "namedValues/key", Created, Created, """{"properties":{"displayName":"key","value":"s3cret","secret":true}}""", default);
            await writer.FinishAsync(parts => new Manifest(
                Manifest.Current, "openapim-tests", new SourceService("/subscriptions/x/resourceGroups/rg/providers/Microsoft.ApiManagement/service/orders", "orders", "West Europe", "Developer", 1),
                Created, Created.AddDays(30), 7, Created, parts, cipher is null ? null : new EncryptionInfo(SecretCipher.Algorithm, cipher.KeyId)), default);
        }

        return file;
    }

    private string Save(byte[] archive)
    {
        var file = Path.Combine(_folder, Guid.NewGuid().ToString("N") + ".zip");
        File.WriteAllBytes(file, archive);
        return file;
    }
}
