using Microsoft.Data.Sqlite;
using VoSpec.Adql.Db;
using VoSpec.Adql.Translator;
using VoSpec.Archive;
using VoSpec.Archive.Demo;
using VoSpec.Archive.Ingest;
using VoSpec.Testing;
using Xunit;

namespace VoSpec.Adql.Tests;

/// <summary>One demo archive (300 spectra) shared by the tests that run queries.</summary>
public sealed class ArchiveFixture : IDisposable
{
    private readonly TempDir _dir = TestPaths.NewTempDir("vospec-adql");

    public ArchiveFixture()
    {
        Archive = SpectrumArchive.Open(_dir.Path);
        new Ingester(Archive).Store(new DemoGenerator(1).GenerateMany(300), "demo");
    }

    public SpectrumArchive Archive { get; }

    public SqliteConnection Open()
    {
        var conn = Archive.Sqlite.OpenConnection();
        SqliteAdqlFunctions.Register(conn);
        return conn;
    }

    public TranslatedQuery Translate(string adql, ITableMetadata? metadata = null) =>
        SqliteTranslator.Translate(AdqlParser.Parse(adql), metadata ?? TableMetadata.Published);

    /// <summary>Parses, translates and runs an ADQL query; rows as object arrays (DBNull → null).</summary>
    public List<object?[]> Run(string adql, ITableMetadata? metadata = null) => Run(Translate(adql, metadata));

    public List<object?[]> Run(TranslatedQuery q)
    {
        using var conn = Open();
        return Sql(conn, q.Sql, q.Parameters);
    }

    public static List<object?[]> Sql(SqliteConnection conn, string sql, IEnumerable<(string Name, object? Value)>? parameters = null)
    {
        using var cmd = conn.CreateCommand();
        cmd.CommandText = sql;
        foreach (var (name, value) in parameters ?? []) cmd.Parameters.AddWithValue(name, value ?? DBNull.Value);
        using var r = cmd.ExecuteReader();
        var rows = new List<object?[]>();
        while (r.Read())
        {
            var row = new object?[r.FieldCount];
            for (int i = 0; i < row.Length; i++) row[i] = r.IsDBNull(i) ? null : r.GetValue(i);
            rows.Add(row);
        }
        return rows;
    }

    /// <summary>Runs plain SQL on the archive (for brute-force expectations).</summary>
    public List<object?[]> Sql(string sql)
    {
        using var conn = Open();
        return Sql(conn, sql);
    }

    public object? Scalar(string adql) => Assert.Single(Run(adql))[0];

    public void Dispose()
    {
        Archive.Dispose();
        SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class ArchiveCollection : ICollectionFixture<ArchiveFixture>
{
    public const string Name = "archive";
}
