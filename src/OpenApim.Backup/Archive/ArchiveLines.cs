namespace OpenApim.Backup.Archive;

/// <summary>Splits a stream into NDJSON lines without decoding it; a line may span reads but not exceed a limit.</summary>
internal static class ArchiveLines
{
    public static IEnumerable<ReadOnlyMemory<byte>> Read(Stream stream, int maxLine, Func<ArchiveException> tooLong)
    {
        var buffer = new byte[1 << 17];
        int start = 0, end = 0;
        while (true)
        {
            var newline = Array.IndexOf(buffer, (byte)'\n', start, end - start);
            if (newline >= 0)
            {
                if (newline - start > maxLine)
                {
                    throw tooLong();
                }

                if (newline > start)
                {
                    yield return buffer.AsMemory(start, newline - start);
                }

                start = newline + 1;
                continue;
            }

            if (end - start > maxLine)
            {
                throw tooLong();
            }

            if (start > 0)
            {
                Buffer.BlockCopy(buffer, start, buffer, 0, end - start);
                end -= start;
                start = 0;
            }
            else if (end == buffer.Length)
            {
                Array.Resize(ref buffer, Math.Min(buffer.Length * 2, maxLine + 2));
            }

            var read = stream.Read(buffer, end, buffer.Length - end);
            if (read == 0)
            {
                if (end > start)
                {
                    yield return buffer.AsMemory(start, end - start);
                }

                yield break;
            }

            end += read;
        }
    }
}
