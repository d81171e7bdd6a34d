using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using Npgsql;
using VoSpec.Archive.Sqlite;
using VoSpec.Core.Schema;

namespace VoSpec.Archive.Postgres;

/// <summary>
/// Moves an archive's catalogue from SQLite into an empty PostgreSQL database (vospec migrate): every catalogue table
/// and the UWS jobs are copied row for row, so identifiers, spec_ids, pixel offsets, datestamps and coverage stay as
/// they were, and the pixel stores and job results are used where they lie. The SQLite files are left untouched.
/// Rows go through COPY in text form (PostgreSQL parses each value into its column's type); ObsCore's stored BINARY2
/// rows are then encoded from them (<see cref="PostgresRowImages.EncodeMissing"/>), then ANALYZE.
/// </summary>
public static class PostgresMigration
{
    // The tables to copy, in an order that keeps every reference valid, and the columns both backends have.
    private static IEnumerable<(string Table, string[] Columns)> Tables()
    {
        yield return ("collections", ["name", "title", "data_rights", "pixel_file", "committed_length", "created"]);
        yield return ("spectrum_store", ["spec_id", "collection", "specobjid", "px_offset", "px_length", "npix", "source_path", "source_bytes", "source_format", "ingested"]);
        foreach (var t in SchemaCatalog.SpectrumTables)
            yield return (t.SqlName, t.Columns.Select(c => c.Name).ToArray());
        yield return ("collection_stats", ["name", "n", "wave_min", "wave_max", "z_min", "z_max"]);
        yield return ("collection_classes", ["name", "class", "n"]);
        yield return ("coverage_cells", ["collection", "cell"]);
        yield return ("collection_coverage", ["name", "t_min", "t_max", "updated"]);
        yield return ("registry_records", ["identifier", "set_spec", "body", "created", "updated", "deleted"]);
    }

    private static readonly string[] JobColumns = VoSpec.Archive.Jobs.UwsJobRow.Columns;

    /// <summary>Copies the SQLite catalogue of <paramref name="directory"/> into <paramref name="database"/>; returns the spectra copied.</summary>
    public static long Run(string directory, string database, Action<string>? log = null)
    {
        long copied;
        using (var source = SpectrumArchive.Open(directory))
        using (var target = SpectrumArchive.Open(directory, new ArchiveOptions { Database = database, PublicUrl = source.PublicUrl, Log = log }))
        {
            if (target.Lookup.CountSpectra() > 0 || target.Lookup.CollectionNames().Count > 0)
                throw new InvalidOperationException($"the database {target.CataloguePath} already holds a catalogue: migrate into an empty one");
            var pg = (PostgresCatalogue)target.Catalogue;
            using var from = source.Sqlite.OpenConnection();
            using var to = pg.OpenPrimary();
            using var tx = to.BeginTransaction();
            var clock = Stopwatch.StartNew();
            foreach (var (table, columns) in Tables())
            {
                long n = Copy(from, to, table, columns, $"SELECT {string.Join(", ", columns.Select(CatalogueDdl.Quote))} FROM {CatalogueDdl.Quote(table)}");
                log?.Invoke($"{table}: {n:N0} rows");
            }
            var jobs = Path.Combine(directory, "jobs", "jobs.sqlite");
            if (File.Exists(jobs))
            {
                using var jobsConnection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = jobs, Mode = SqliteOpenMode.ReadOnly }.ToString());
                jobsConnection.Open();
                long n = Copy(jobsConnection, to, "uws_jobs", JobColumns, $"SELECT {string.Join(", ", JobColumns)} FROM jobs");
                log?.Invoke($"uws_jobs: {n:N0} jobs");
            }
            // ObsCore's stored BINARY2 rows, made by the writer's encoder from the rows as PostgreSQL now holds them.
            log?.Invoke($"stored BINARY2 rows: {PostgresRowImages.EncodeMissing(to, tx):N0} encoded");
            PostgresCatalogue.Execute(to, "INSERT INTO archive_meta(key, value) VALUES ('public_url', @v) ON CONFLICT (key) DO UPDATE SET value = excluded.value", tx, ("v", source.PublicUrl));
            PostgresCatalogue.CommitMaintenance(to, tx);
            PostgresCatalogue.Maintenance(to, "ANALYZE");
            copied = target.Lookup.CountSpectra();
            log?.Invoke($"{copied:N0} spectra migrated in {clock.Elapsed.TotalSeconds:0.0} s");
        }
        return copied;
    }

    /// <summary>One table's rows from SQLite into PostgreSQL by text COPY.</summary>
    private static long Copy(SqliteConnection from, NpgsqlConnection to, string table, string[] columns, string select)
    {
        using var cmd = from.CreateCommand();
        cmd.CommandText = select;
        using var r = cmd.ExecuteReader();
        using var writer = to.BeginTextImport($"COPY {PostgresDdl.Quote(table)}({string.Join(", ", columns.Select(PostgresDdl.Quote))}) FROM STDIN");
        var line = new StringBuilder();
        long n = 0;
        while (r.Read())
        {
            line.Clear();
            for (int i = 0; i < columns.Length; i++)
            {
                if (i > 0) line.Append('\t');
                if (r.IsDBNull(i)) { line.Append("\\N"); continue; }
                switch (r.GetValue(i))
                {
                    case double d: line.Append(d.ToString("R", CultureInfo.InvariantCulture)); break;
                    case long l: line.Append(l.ToString(CultureInfo.InvariantCulture)); break;
                    case byte[]: line.Append("\\N"); break; // stored BINARY2 rows are SQLite's own
                    case var v: Escape(line, Convert.ToString(v, CultureInfo.InvariantCulture)!); break;
                }
            }
            writer.Write(line.Append('\n').ToString());
            n++;
        }
        return n;
    }

    /// <summary>COPY's text form: backslash, tab, newline and carriage return escaped.</summary>
    private static void Escape(StringBuilder sb, string s)
    {
        foreach (char c in s)
            sb.Append(c switch { '\\' => "\\\\", '\t' => "\\t", '\n' => "\\n", '\r' => "\\r", _ => c.ToString() });
    }
}
