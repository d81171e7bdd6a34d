using System.Globalization;
using Microsoft.Data.Sqlite;
using VoSpec.Archive;
using VoSpec.Archive.Catalogue;
using VoSpec.Server.Access;

namespace VoSpec.Server.DataLink;

/// <summary>What {links} and SODA need to know about one spectrum, read in one query.</summary>
public sealed record Dataset(
    string Did,
    SpectrumLocation Location,
    string ObsId,
    double EmMin, double EmMax,
    double Ra, double Dec, double ApertureRadius,
    double? TMin, double? TMax,
    string? SourcePath, long? SourceBytes,
    string Instrument);

/// <summary>The outcome of looking up an ID: a dataset, or the fault text explaining why not.</summary>
public readonly record struct DatasetLookup(Dataset? Dataset, string? Fault)
{
    public static DatasetLookup Found(Dataset d) => new(d, null);
    public static DatasetLookup NotFound(string id) => new(null, $"NotFoundFault: no spectrum with ID {id} in this archive");
    public static DatasetLookup Malformed(string id) =>
        new(null, $"UsageFault: '{id}' is not a dataset identifier (expected ivo://authority/collection?specobjid)");

    public bool IsMalformed => Fault?.StartsWith("UsageFault", StringComparison.Ordinal) == true;
}

/// <summary>
/// Resolves publisher DIDs (ivo://authority/collection?specobjid) on a caller's connection. A spectrum of a
/// collection the caller may not see is not found, with the same fault as one that does not exist.
/// </summary>
public static class Datasets
{
    private const string Sql = """
        SELECT st.spec_id, st.collection, st.specobjid, st.px_offset, st.px_length, st.npix, st.source_path, st.source_bytes,
               o.obs_id, o.em_min, o.em_max, o.s_ra, o.s_dec, o.s_fov, o.t_min, o.t_max, o.instrument_name
        FROM spectrum_store st JOIN ivoa_obscore o ON o.spec_id = st.spec_id
        WHERE st.collection = $c AND st.specobjid = $id
        """;

    /// <summary>
    /// A connection with the lookup prepared on it, kept by the archive between requests: opening a connection (two
    /// PRAGMAs) and preparing the join cost more than the lookup itself.
    /// </summary>
    private sealed class Statement : IDisposable
    {
        public readonly SqliteConnection Connection;
        public readonly SqliteCommand Command;
        public readonly SqliteParameter Collection, SpecObjId;

        public Statement(SpectrumArchive archive)
        {
            Connection = archive.OpenConnection();
            Command = Connection.CreateCommand();
            Command.CommandText = Sql;
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

    /// <summary>A prepared lookup for many IDs (the caller disposes it, which hands the statement back to the archive).</summary>
    public sealed class Finder(SpectrumArchive archive, AccessRights rights) : IDisposable
    {
        private Statement? _statement = archive.Rent(static a => new Statement(a));
        private bool _failed;

        public DatasetLookup Find(string id)
        {
            var parts = Identifiers.ParseDid(id);
            if (parts is null) return DatasetLookup.Malformed(id);
            // A well-formed identifier that is not one of ours is simply not here.
            if (!string.Equals(parts.Value.Authority, archive.Options.Authority, StringComparison.OrdinalIgnoreCase)
                || !long.TryParse(parts.Value.LocalId, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long specObjId))
                return DatasetLookup.NotFound(id);
            if (!rights.CanSee(parts.Value.Collection)) return DatasetLookup.NotFound(id);
            var st = _statement ?? throw new ObjectDisposedException(nameof(Finder));
            // A statement that failed mid-use is not handed back.
            _failed = true;
            st.Collection.Value = parts.Value.Collection;
            st.SpecObjId.Value = specObjId;
            var found = Read(st.Command, id);
            _failed = false;
            return found;
        }

        private static DatasetLookup Read(SqliteCommand cmd, string id)
        {
            using var r = cmd.ExecuteReader();
            if (!r.Read()) return DatasetLookup.NotFound(id);
            var location = new SpectrumLocation(r.GetInt64(0), r.GetString(1), r.GetInt64(2), r.GetInt64(3), r.GetInt64(4), r.GetInt32(5));
            return DatasetLookup.Found(new Dataset(
                id, location,
                ObsId: r.IsDBNull(8) ? "" : r.GetString(8),
                EmMin: r.GetDouble(9), EmMax: r.GetDouble(10),
                Ra: r.GetDouble(11), Dec: r.GetDouble(12), ApertureRadius: (r.IsDBNull(13) ? 0 : r.GetDouble(13)) / 2,
                TMin: r.IsDBNull(14) ? null : r.GetDouble(14), TMax: r.IsDBNull(15) ? null : r.GetDouble(15),
                SourcePath: r.IsDBNull(6) ? null : r.GetString(6),
                SourceBytes: r.IsDBNull(7) ? null : r.GetInt64(7),
                Instrument: r.IsDBNull(16) ? "" : r.GetString(16)));
        }

        public void Dispose()
        {
            if (_statement is not { } st) return;
            _statement = null;
            if (_failed) st.Dispose(); else archive.Return(st);
        }
    }

    /// <summary>One lookup (SODA, previews, the dataset endpoints).</summary>
    public static DatasetLookup Find(SpectrumArchive archive, AccessRights rights, string id)
    {
        using var finder = new Finder(archive, rights);
        return finder.Find(id);
    }
}
