using OpenApim.Resources.Usage;

namespace OpenApim.Resources.Store.Sql;

/// <summary>The usage table over either SQL dialect.</summary>
internal sealed class SqlUsageStore(SqlDialect dialect) : IUsageStore
{
    private static readonly string[] ParameterNames = ["@s", "@m", "@a", "@o", "@p", "@sub", "@u", "@t", "@ok", "@bl", "@f", "@ot", "@bw", "@ats", "@atn", "@atx", "@sts", "@stn", "@stx"];

    private const string Columns = "service_key, minute, api, operation, product, subscription, user_id, calls_total, calls_success, calls_blocked, calls_failed, calls_other, bandwidth, api_time_sum, api_time_min, api_time_max, service_time_sum, service_time_min, service_time_max";

    public async Task AddAsync(IReadOnlyCollection<UsageRecord> records, CancellationToken ct)
    {
        if (records.Count == 0)
        {
            return;
        }

        await using var c = await dialect.OpenAsync(ct);
        await using var tx = await dialect.BeginWriteAsync(c, ct);
        await using var cmd = ResourceSql.Command(c, tx,
            $"INSERT INTO usage ({Columns}) VALUES (@s, @m, @a, @o, @p, @sub, @u, @t, @ok, @bl, @f, @ot, @bw, @ats, @atn, @atx, @sts, @stn, @stx) " +
            "ON CONFLICT (service_key, minute, api, operation, product, subscription, user_id) DO UPDATE SET " +
            "calls_total = usage.calls_total + excluded.calls_total, calls_success = usage.calls_success + excluded.calls_success, " +
            "calls_blocked = usage.calls_blocked + excluded.calls_blocked, calls_failed = usage.calls_failed + excluded.calls_failed, " +
            "calls_other = usage.calls_other + excluded.calls_other, bandwidth = usage.bandwidth + excluded.bandwidth, " +
            $"api_time_sum = usage.api_time_sum + excluded.api_time_sum, api_time_min = {dialect.Least("usage.api_time_min", "excluded.api_time_min")}, " +
            $"api_time_max = {dialect.Greatest("usage.api_time_max", "excluded.api_time_max")}, service_time_sum = usage.service_time_sum + excluded.service_time_sum, " +
            $"service_time_min = {dialect.Least("usage.service_time_min", "excluded.service_time_min")}, service_time_max = {dialect.Greatest("usage.service_time_max", "excluded.service_time_max")}");
        var p = ParameterNames.Select(name => SqlDialect.Param(cmd, name, 0L)).ToArray();
        foreach (var r in records)
        {
            object[] values = [r.ServiceKey, r.Minute, r.Api, r.Operation, r.Product, r.Subscription, r.User, r.Total, r.Success, r.Blocked, r.Failed, r.Other, r.Bandwidth,
                r.ApiTimeSum, r.ApiTimeMin, r.ApiTimeMax, r.ServiceTimeSum, r.ServiceTimeMin, r.ServiceTimeMax];
            for (var i = 0; i < values.Length; i++)
            {
                p[i].Value = values[i];
            }

            await cmd.ExecuteNonQueryAsync(ct);
        }

        await tx.CommitAsync(ct);
    }

    public async Task<IReadOnlyList<UsageRecord>> QueryAsync(string serviceKey, long fromMinute, long toMinute, CancellationToken ct)
    {
        await using var c = await dialect.OpenAsync(ct);
        await using var cmd = ResourceSql.Command(c, null, $"SELECT {Columns} FROM usage WHERE service_key = @s AND minute >= @from AND minute <= @to");
        SqlDialect.Param(cmd, "@s", serviceKey);
        SqlDialect.Param(cmd, "@from", fromMinute);
        SqlDialect.Param(cmd, "@to", toMinute);
        var result = new List<UsageRecord>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            result.Add(new UsageRecord(r.GetString(0), r.GetInt64(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5), r.GetString(6),
                r.GetInt64(7), r.GetInt64(8), r.GetInt64(9), r.GetInt64(10), r.GetInt64(11), r.GetInt64(12),
                r.GetDouble(13), r.GetDouble(14), r.GetDouble(15), r.GetDouble(16), r.GetDouble(17), r.GetDouble(18)));
        }

        return result;
    }
}
