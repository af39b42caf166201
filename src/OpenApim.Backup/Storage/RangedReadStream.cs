namespace OpenApim.Backup.Storage;

/// <summary>
/// A read-only seekable stream over a remote blob (the SDK's, which downloads ranges as they are read) whose failures become
/// <see cref="StorageException"/>s, so a reader in the middle of a zip entry fails like any other storage call.
/// </summary>
internal sealed class RangedReadStream(Stream inner, Func<Exception, StorageException?> translate) : Stream
{
    public override bool CanRead => true;

    public override bool CanSeek => true;

    public override bool CanWrite => false;

    public override long Length => Guard(() => inner.Length);

    public override long Position
    {
        get => inner.Position;
        set => Guard(() => inner.Position = value);
    }

    public override int Read(byte[] buffer, int offset, int count) => Guard(() => inner.Read(buffer, offset, count));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        try
        {
            return await inner.ReadAsync(buffer, cancellationToken);
        }
        catch (Exception e) when (e is not StorageException && translate(e) is { } translated)
        {
            throw translated;
        }
    }

    public override long Seek(long offset, SeekOrigin origin) => Guard(() => inner.Seek(offset, origin));

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    private T Guard<T>(Func<T> read)
    {
        try
        {
            return read();
        }
        catch (Exception e) when (e is not StorageException && translate(e) is { } translated)
        {
            throw translated;
        }
    }
}
