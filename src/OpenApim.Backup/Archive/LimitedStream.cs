namespace OpenApim.Backup.Archive;

/// <summary>Reads at most <paramref name="limit"/> bytes of <paramref name="inner"/>; one byte more is an <see cref="ArchiveException"/>.</summary>
internal sealed class LimitedStream(Stream inner, long limit, Func<ArchiveException> tooLarge) : Stream
{
    private long _read;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => _read; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        // Ask for one byte past the limit at most, so an entry exactly at the limit passes and a longer one is caught.
        var allowed = (int)Math.Min(buffer.Length, limit - _read + 1);
        var n = inner.Read(buffer[..Math.Max(allowed, 0)]);
        _read += n;
        return _read > limit ? throw tooLarge() : n;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

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
}
