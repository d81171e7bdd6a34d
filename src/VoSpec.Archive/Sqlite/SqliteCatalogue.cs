using System.Data.Common;
using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using VoSpec.Archive.Queries;
using VoSpec.Core.Spectra;

namespace VoSpec.Archive.Sqlite;

/// <summary>
/// The catalogue's answers on SQLite: every statement the protocols need, behind <see cref="ISpectrumLookup"/>,
/// <see cref="ISpectrumSearch"/> and <see cref="IAdqlExecutor"/>. Lookups that run once per request keep their
/// connection and prepared statement in the archive between requests (<see cref="SpectrumArchive.Rent{T}"/>):
/// opening a connection (two PRAGMAs) and preparing a join cost more than the lookup itself.
/// </summary>
public sealed class SqliteCatalogue(SpectrumArchive archive) : ISpectrumLookup, ISpectrumSearch, IAdqlExecutor
{
    public IReadOnlyList<CollectionInfo> Collections() => archive.Collections();

    public IReadOnlyList<(string Name, string Title)> CollectionNames()
    {
        using var conn = archive.OpenConnection();
        using var cmd = conn.CreateCommand();
        cmd.CommandText = "SELECT name, title FROM collections ORDER BY name";
        using var r = cmd.ExecuteReader();
        var list = new List<(string, string)>();
        while (r.Read()) list.Add((r.GetString(0), r.GetString(1)));
        return list;
    }

    public long CountSpectra(string? collection = null) => archive.CountSpectra(collection);
    public IReadOnlyList<(string Collection, long Bytes)> PixelStores() => archive.PixelStores();
    public SpectrumLocation? Locate(string collection, long specObjId) => archive.Locate(collection, specObjId);
    public SpectrumMeta? LoadMeta(long specId) => archive.LoadMeta(specId);

    public (string Did, double Ra, double Dec)? AnyPublicSpectrum()
    {
        using var conn = archive.OpenConnection();
        using var cmd = conn.CreateCommand();
        cmd.CommandText = "SELECT obs_publisher_did, s_ra, s_dec FROM ivoa_obscore WHERE data_rights = 'public' LIMIT 1";
        using var r = cmd.ExecuteReader();
        return r.Read() ? (r.GetString(0), r.GetDouble(1), r.GetDouble(2)) : null;
    }

    // ------------------------------------------------------------------ datasets (DataLink, SODA)

    private const string DatasetSql = """
        SELECT st.spec_id, st.collection, st.specobjid, st.px_offset, st.px_length, st.npix, st.source_path, st.source_bytes,
               o.obs_id, o.em_min, o.em_max, o.s_ra, o.s_dec, o.s_fov, o.t_min, o.t_max, o.instrument_name
        FROM spectrum_store st JOIN ivoa_obscore o ON o.spec_id = st.spec_id
        WHERE st.collection = $c AND st.specobjid = $id
        """;

    /// <summary>A connection with the dataset lookup prepared on it, kept between requests.</summary>
    private sealed class DatasetStatement : IDisposable
    {
        public readonly SqliteConnection Connection;
        public readonly SqliteCommand Command;
        public readonly SqliteParameter Collection, SpecObjId;

        public DatasetStatement(SpectrumArchive archive)
        {
            Connection = archive.OpenConnection();
            Command = Connection.CreateCommand();
            Command.CommandText = DatasetSql;
            Collection = Command.Parameters.Add("$c", SqliteType.Text);
            SpecObjId = Command.Parameters.Add("$id", SqliteType.Integer);
            Command.Prepare();
        }

        public void Dispose()
        {
            Command.Dispose();
            Connection.Dispose();
        }
    }

    public IDatasetFinder OpenDatasetFinder() => new DatasetFinder(archive);

    private sealed class DatasetFinder(SpectrumArchive archive) : IDatasetFinder
    {
        private DatasetStatement? _statement = archive.Rent(static a => new DatasetStatement(a));
        private bool _failed;

        public Dataset? Find(string did, string collection, long specObjId)
        {
            var st = _statement ?? throw new ObjectDisposedException(nameof(IDatasetFinder));
            // A statement that failed mid-use is not handed back.
            _failed = true;
            st.Collection.Value = collection;
            st.SpecObjId.Value = specObjId;
            Dataset? found;
            using (var r = st.Command.ExecuteReader())
            {
                found = r.Read() ? new Dataset(
                    did, new SpectrumLocation(r.GetInt64(0), r.GetString(1), r.GetInt64(2), r.GetInt64(3), r.GetInt64(4), r.GetInt32(5)),
                    ObsId: r.IsDBNull(8) ? "" : r.GetString(8),
                    EmMin: r.GetDouble(9), EmMax: r.GetDouble(10),
                    Ra: r.GetDouble(11), Dec: r.GetDouble(12), ApertureRadius: (r.IsDBNull(13) ? 0 : r.GetDouble(13)) / 2,
                    TMin: r.IsDBNull(14) ? null : r.GetDouble(14), TMax: r.IsDBNull(15) ? null : r.GetDouble(15),
                    SourcePath: r.IsDBNull(6) ? null : r.GetString(6),
                    SourceBytes: r.IsDBNull(7) ? null : r.GetInt64(7),
                    Instrument: r.IsDBNull(16) ? "" : r.GetString(16)) : null;
            }
            _failed = false;
            return found;
        }

        public void Dispose()
        {
            if (_statement is not { } st) return;
            _statement = null;
            if (_failed) st.Dispose(); else archive.Return(st);
        }
    }

    // ------------------------------------------------------------------ specobjids and fibres (/spec)

    private const string LocationColumns = "st.spec_id, st.collection, st.specobjid, st.px_offset, st.px_length, st.npix";
    // Every specobjid in one statement (a JSON array joined through json_each: one step per id instead of one execution).
    private const string BySpecObjIds = "SELECT " + LocationColumns + " FROM json_each($ids) j JOIN specobj s ON s.specobjid = j.value JOIN spectrum_store st ON st.spec_id = s.spec_id";
    private const string ByFibre = "SELECT " + LocationColumns + " FROM specobj s JOIN spectrum_store st ON st.spec_id = s.spec_id " +
        "WHERE s.collection = $c AND s.plate = $p AND s.mjd = $m AND s.fiberid = $f";

    public (Dictionary<long, List<SpectrumLocation>> BySpecObjId, List<SpectrumLocation>[] ByFibre) LocateSpectra(
        IReadOnlyCollection<long> specObjIds, IReadOnlyList<FibreKey> fibres, IReadOnlyCollection<string> collections)
    {
        var bySpecObjId = new Dictionary<long, List<SpectrumLocation>>();
        var byFibre = new List<SpectrumLocation>[fibres.Count];
        if (specObjIds.Count == 0 && fibres.Count == 0) return (bySpecObjId, byFibre);
        using var conn = archive.OpenConnection();
        if (specObjIds.Count > 0)
        {
            var json = new StringBuilder("[");
            foreach (var v in specObjIds) json.Append(json.Length > 1 ? "," : "").Append(v.ToString(CultureInfo.InvariantCulture));
            using var cmd = conn.CreateCommand();
            cmd.CommandText = BySpecObjIds;
            cmd.Parameters.AddWithValue("$ids", json.Append(']').ToString());
            using var r = cmd.ExecuteReader();
            while (r.Read())
            {
                var loc = Location(r);
                if (!collections.Contains(loc.Collection)) continue;
                if (!bySpecObjId.TryGetValue(loc.SpecObjId, out var list)) bySpecObjId[loc.SpecObjId] = list = new List<SpectrumLocation>(1);
                list.Add(loc);
            }
        }
        if (fibres.Count > 0)
        {
            using var cmd = conn.CreateCommand();
            cmd.CommandText = ByFibre;
            var (c, p, m, f) = (cmd.Parameters.Add("$c", SqliteType.Text), cmd.Parameters.Add("$p", SqliteType.Integer),
                cmd.Parameters.Add("$m", SqliteType.Integer), cmd.Parameters.Add("$f", SqliteType.Integer));
            cmd.Prepare();
            for (int i = 0; i < fibres.Count; i++)
            {
                var matches = byFibre[i] = new List<SpectrumLocation>(1);
                foreach (var collection in collections)
                {
                    c.Value = collection;
                    p.Value = fibres[i].Plate;
                    m.Value = fibres[i].Mjd;
                    f.Value = fibres[i].FiberId;
                    using var r = cmd.ExecuteReader();
                    while (r.Read()) matches.Add(Location(r));
                }
            }
        }
        return (bySpecObjId, byFibre);
    }

    private static SpectrumLocation Location(SqliteDataReader r) =>
        new(r.GetInt64(0), r.GetString(1), r.GetInt64(2), r.GetInt64(3), r.GetInt64(4), r.GetInt32(5));

    // ------------------------------------------------------------------ SSA

    public DbDataReader Search(SpectrumSearch search)
    {
        var conn = archive.OpenConnection();
        try
        {
            var (sql, parameters) = SqliteSpectrumSearch.Build(search);
            // Read through SQLite's statement API (as TAP does): a fraction of the per-cell cost of SqliteDataReader.
            return RawSqliteReader.Open(conn, sql, parameters, owner: conn);
        }
        catch { conn.Dispose(); throw; }
    }

    // ------------------------------------------------------------------ ADQL

    public Task<IAdqlExecution> PrepareAsync(AdqlRequest request, CancellationToken cancel) => SqliteAdqlExecution.PrepareAsync(archive, request, cancel);
}
