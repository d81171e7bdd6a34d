using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using VoSpec.Archive;
using VoSpec.Core.Faults;

namespace VoSpec.Server.SpecService;

/// <summary>
/// Requested ids → pixel-store locations, one catalogue connection for the whole list: every specobjid in one
/// statement (a JSON array joined through json_each: one step per id instead of one statement execution), tuples one
/// prepared statement each.
/// An id that matches nothing fails the whole request (400 naming up to ten such ids): the client asked for rows
/// in a fixed order and a silently missing row would shift every later one. An id found in two collections of the
/// context is ambiguous (400: name a context). An id of a collection the caller may not see is unknown, like any other.
/// </summary>
public static class SpectrumResolver
{
    private const string Columns = "st.spec_id, st.collection, st.specobjid, st.px_offset, st.px_length, st.npix";
    private const string ByIds = "SELECT " + Columns + " FROM json_each($ids) j JOIN specobj s ON s.specobjid = j.value JOIN spectrum_store st ON st.spec_id = s.spec_id";
    private const string ByTuple = "SELECT " + Columns + " FROM specobj s JOIN spectrum_store st ON st.spec_id = s.spec_id " +
        "WHERE s.collection = $c AND s.plate = $p AND s.mjd = $m AND s.fiberid = $f";

    public static SpectrumLocation[] Resolve(SpectrumArchive archive, SpecContext context, IReadOnlyList<SpecId> ids)
    {
        if (ids.Count == 0) throw new UserInputException("id_list is empty: give at least one specobjid or (plate, mjd, fiberid)");
        // The context's members are the collections the caller may see: an id elsewhere is unknown.
        var collections = context.Members;
        using var conn = archive.OpenConnection();
        var bySpecObjId = LookUpSpecObjIds(conn, ids, collections);
        using var byTuple = ids.Any(i => i.IsTuple) ? Command(conn, ByTuple, "$c", "$p", "$m", "$f") : null;

        var found = new Dictionary<SpecId, SpectrumLocation>();
        var result = new SpectrumLocation[ids.Count];
        var unknown = new List<SpecId>();
        var matches = new List<SpectrumLocation>(2);
        for (int i = 0; i < ids.Count; i++)
        {
            var id = ids[i];
            if (found.TryGetValue(id, out var known)) { result[i] = known; continue; }
            matches.Clear();
            if (id.SpecObjId is { } specObjId)
            {
                if (bySpecObjId.TryGetValue(specObjId, out var m)) matches.AddRange(m);
            }
            else
            {
                foreach (var c in collections)
                {
                    byTuple!.Parameters["$c"].Value = c;
                    byTuple.Parameters["$p"].Value = id.Plate;
                    byTuple.Parameters["$m"].Value = id.Mjd;
                    byTuple.Parameters["$f"].Value = id.FiberId;
                    using var r = byTuple.ExecuteReader();
                    while (r.Read()) matches.Add(Location(r));
                }
            }
            if (matches.Count == 0) { unknown.Add(id); continue; }
            if (matches.Count > 1)
                throw new UserInputException($"id {id} is in several collections ({string.Join(", ", matches.Select(m => m.Collection))}): name one as the context");
            found[id] = result[i] = matches[0];
        }
        if (unknown.Count > 0)
        {
            var names = string.Join(", ", unknown.Distinct().Take(10));
            int more = unknown.Distinct().Count() - 10;
            throw new NotFoundException($"unknown id{(unknown.Count > 1 ? "s" : "")} in context {context.Name}: {names}{(more > 0 ? $" and {more} more" : "")}");
        }
        return result;
    }

    /// <summary>Every location of each distinct specobjid among <paramref name="ids"/>, in the given collections.</summary>
    private static Dictionary<long, List<SpectrumLocation>> LookUpSpecObjIds(SqliteConnection conn, IReadOnlyList<SpecId> ids, IReadOnlyCollection<string> collections)
    {
        var result = new Dictionary<long, List<SpectrumLocation>>();
        var json = new StringBuilder("[");
        var seen = new HashSet<long>();
        foreach (var id in ids)
            if (id.SpecObjId is { } v && seen.Add(v))
                json.Append(seen.Count > 1 ? "," : "").Append(v.ToString(CultureInfo.InvariantCulture));
        if (seen.Count == 0) return result;
        using var cmd = conn.CreateCommand();
        cmd.CommandText = ByIds;
        cmd.Parameters.AddWithValue("$ids", json.Append(']').ToString());
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            var loc = Location(r);
            if (!collections.Contains(loc.Collection)) continue;
            if (!result.TryGetValue(loc.SpecObjId, out var list)) result[loc.SpecObjId] = list = new List<SpectrumLocation>(1);
            list.Add(loc);
        }
        return result;
    }

    private static SqliteCommand Command(SqliteConnection conn, string sql, params string[] parameters)
    {
        var cmd = conn.CreateCommand();
        cmd.CommandText = sql;
        foreach (var p in parameters) cmd.Parameters.Add(new SqliteParameter(p, null));
        cmd.Prepare();
        return cmd;
    }

    private static SpectrumLocation Location(SqliteDataReader r) =>
        new(r.GetInt64(0), r.GetString(1), r.GetInt64(2), r.GetInt64(3), r.GetInt64(4), r.GetInt32(5));
}
