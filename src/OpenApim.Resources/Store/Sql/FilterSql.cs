using System.Data.Common;
using System.Globalization;
using OpenApim.Resources.Queries;

namespace OpenApim.Resources.Store.Sql;

/// <summary>Translates a parsed <see cref="Filter"/> into a SQL predicate with parameters.</summary>
internal sealed class FilterSql(SqlDialect dialect, DbCommand command)
{
    private int _next;

    public string Translate(Filter filter) => filter switch
    {
        AndFilter a => $"({Translate(a.Left)} AND {Translate(a.Right)})",
        OrFilter o => $"({Translate(o.Left)} OR {Translate(o.Right)})",
        NotFilter n => $"(NOT {Translate(n.Inner)})",
        FunctionFilter f => Function(f),
        CompareFilter c => Compare(c),
        _ => throw new InvalidOperationException($"Unknown filter {filter}"),
    };

    private string Column(string field) => field switch
    {
        "name" => "r.name",
        "displayName" => "r.display_name",
        _ => dialect.JsonPropertyText(field),
    };

    private string Function(FunctionFilter f)
    {
        var p = AddParam(f.Value.ToLowerInvariant());
        var col = $"lower({Column(f.Field)})";
        return f.Function switch
        {
            "contains" => dialect.Contains(col, p),
            "startswith" => $"substr({col}, 1, length({p})) = {p}",
            "endswith" => dialect.EndsWith(col, p),
            _ => throw new InvalidOperationException(f.Function),
        };
    }

    private string Compare(CompareFilter c)
    {
        var col = Column(c.Field);
        var op = c.Op switch
        {
            "eq" => "=",
            "ne" => "<>",
            "gt" => ">",
            "ge" => ">=",
            "lt" => "<",
            "le" => "<=",
            _ => throw new InvalidOperationException(c.Op),
        };

        switch (c.Value)
        {
            case null:
                return c.Op == "ne" ? $"{col} IS NOT NULL" : $"{col} IS NULL";
            case bool b:
                var literal = dialect.BooleanLiteral(b);
                return c.Op == "ne" ? $"({col} IS NULL OR {col} <> {literal})" : $"{col} {op} {literal}";
            case double d:
                var num = AddParam(d);
                return $"{dialect.AsNumber(col)} {op} {num}";
            default:
                var p = AddParam(Convert.ToString(c.Value, CultureInfo.InvariantCulture)!.ToLowerInvariant());
                return c.Op == "ne" ? $"({col} IS NULL OR lower({col}) <> {p})" : $"lower({col}) {op} {p}";
        }
    }

    private string AddParam(object value)
    {
        var name = $"@f{_next++}";
        SqlDialect.Param(command, name, value);
        return name;
    }
}
