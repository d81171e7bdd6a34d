using System.Globalization;
using NpgsqlTypes;
using VoSpec.Core.Schema;

namespace VoSpec.Archive.Postgres;

/// <summary>
/// A row value (as <see cref="Catalogue.CatalogueRows"/> makes it: int, long, double, string, bool or null) as the
/// .NET type of its PostgreSQL column (<see cref="PostgresDdl.SqlType"/>), for parameters and binary COPY, which
/// refuse a long for an integer column.
/// </summary>
internal static class PostgresValues
{
    public static NpgsqlDbType DbType(ColumnSchema c) => PostgresDdl.SqlType(c) switch
    {
        "smallint" => NpgsqlDbType.Smallint,
        "integer" => NpgsqlDbType.Integer,
        "bigint" => NpgsqlDbType.Bigint,
        "real" => NpgsqlDbType.Real,
        "double precision" => NpgsqlDbType.Double,
        _ => NpgsqlDbType.Text,
    };

    public static object? As(ColumnSchema c, object? v)
    {
        if (v is null or DBNull) return null;
        var ic = CultureInfo.InvariantCulture;
        return PostgresDdl.SqlType(c) switch
        {
            "smallint" => v is bool b ? (short)(b ? 1 : 0) : Convert.ToInt16(v, ic),
            "integer" => v is bool b ? (b ? 1 : 0) : Convert.ToInt32(v, ic),
            "bigint" => Convert.ToInt64(v, ic),
            "real" => Convert.ToSingle(v, ic),
            // A NaN is stored as NULL, as SQLite does, so both backends answer the same.
            "double precision" => Convert.ToDouble(v, ic) is var d && double.IsNaN(d) ? null : d,
            _ => v as string ?? Convert.ToString(v, ic),
        };
    }
}
