using System.Buffers;
using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using OpenApim.Resources.Model;
using SQLitePCL;

namespace OpenApim.Resources.Store.Sql;

/// <summary>
/// The restore's insert of a service's rows on SQLite, one prepared statement stepped on the connection's own handle
/// inside the caller's transaction. ADO.NET's per-row path (a data reader per execution, a UTF-8 array allocated for
/// every string parameter and a formatted string for every timestamp) cost about a third of the single writer's time
/// on the reference service; here every value is encoded into one reused buffer and bound from it. Values are stored
/// exactly as <see cref="SqliteParameter"/> stores them: text, timestamps in its <c>DateTimeOffset</c> format, a missing
/// display name as NULL. A failed step throws the <see cref="SqliteException"/> ADO.NET would have thrown.
/// </summary>
internal sealed class SqliteBulkInsert : IDisposable
{
    /// <summary>How <see cref="SqliteParameter"/> writes a <see cref="DateTimeOffset"/>; readers parse this text.</summary>
    private const string TimestampFormat = @"yyyy\-MM\-dd HH\:mm\:ss.FFFFFFFzzz";

    private const string Sql =
        "INSERT INTO resources (service_id, path, parent, kind, name, rel_id, display_name, body, version, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)";

    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _statement;
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);

    public SqliteBulkInsert(SqliteConnection connection, long serviceId, long version)
    {
        _db = connection.Handle ?? throw new InvalidOperationException("The connection is not open.");
        Check(raw.sqlite3_prepare_v2(_db, Sql, out _statement));
        Check(raw.sqlite3_bind_int64(_statement, 1, serviceId));
        Check(raw.sqlite3_bind_int64(_statement, 9, version));
    }

    public void Insert(RawResource row)
    {
        // Every value goes into one buffer first (bindings copy it: SQLITE_TRANSIENT), so a row allocates nothing.
        var need = Encoding.UTF8.GetMaxByteCount(row.Path.Length + row.Parent.Length + row.Kind.Path.Length + row.Name.Length
            + row.RelativeId.Length + (row.DisplayName?.Length ?? 0) + row.Body.Length) + 2 * 64;
        if (_buffer.Length < need)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = ArrayPool<byte>.Shared.Rent(need);
        }

        var free = _buffer.AsSpan();
        Bind(2, Take(ref free, row.Path));
        Bind(3, Take(ref free, row.Parent));
        Bind(4, Take(ref free, row.Kind.Path));
        Bind(5, Take(ref free, row.Name));
        Bind(6, Take(ref free, row.RelativeId));
        if (row.DisplayName is { } display)
        {
            Bind(7, Take(ref free, display));
        }
        else
        {
            Check(raw.sqlite3_bind_null(_statement, 7));
        }

        Bind(8, Take(ref free, row.Body));
        Bind(10, Take(ref free, row.CreatedAt));
        Bind(11, Take(ref free, row.UpdatedAt));

        var rc = raw.sqlite3_step(_statement);
        try
        {
            if (rc != raw.SQLITE_DONE)
            {
                // Read the connection's message before the reset; a step never "succeeds" with a row here.
                SqliteException.ThrowExceptionForRC(rc, _db);
                throw new SqliteException($"SQLite step returned {rc}.", rc);
            }
        }
        finally
        {
            raw.sqlite3_reset(_statement);
        }
    }

    public void Dispose()
    {
        _statement.Dispose();
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
    }

    /// <summary>Binds text (an empty span binds "", not NULL: the tests hold both apart).</summary>
    private void Bind(int index, ReadOnlySpan<byte> utf8) => Check(raw.sqlite3_bind_text(_statement, index, utf8));

    private static ReadOnlySpan<byte> Take(ref Span<byte> free, string value)
    {
        var n = Encoding.UTF8.GetBytes(value, free);
        var taken = free[..n];
        free = free[n..];
        return taken;
    }

    private static ReadOnlySpan<byte> Take(ref Span<byte> free, DateTimeOffset value)
    {
        if (!value.TryFormat(free, out var n, TimestampFormat, CultureInfo.InvariantCulture))
        {
            throw new InvalidOperationException("A timestamp did not fit its buffer.");
        }

        var taken = free[..n];
        free = free[n..];
        return taken;
    }

    private void Check(int rc)
    {
        if (rc != raw.SQLITE_OK)
        {
            SqliteException.ThrowExceptionForRC(rc, _db);
        }
    }
}
