using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;

namespace VoSpec.Server.OData;

/// <summary>
/// One page of an entity set as OData JSON (minimal metadata), written forward-only from the data reader: the context
/// URL, the count when asked, the rows in the order the query gives, and @odata.nextLink when rows are left (the same
/// request with $skip, and $top, moved on). Values follow OData's JSON format: numbers as numbers, doubles that are
/// not finite as "NaN", "INF" and "-INF", the position as a GeoJSON point.
/// </summary>
public static class ODataRows
{
    public static async Task WriteAsync(HttpContext http, string root, ODataSet set, ODataQuery query, DbDataReader reader, long? count, CancellationToken ct)
    {
        int Ordinal(string name)
        {
            for (int i = 0; i < reader.FieldCount; i++)
                if (reader.GetName(i) == name) return i;
            throw new InvalidOperationException($"column {name} is missing from the query");
        }
        var columns = query.Columns.Select(c => (Name: c, Ordinal: Ordinal(c))).ToArray();
        int ra = query.Position ? Ordinal(set.Ra) : -1, dec = query.Position ? Ordinal(set.Dec) : -1;
        int did = set.Type.HasStream ? Ordinal("obs_publisher_did") : -1;
        string archiveUrl = root[..^"odata/".Length];
        // IEEE754Compatible=true (asked in Accept or $format): 64-bit integers as strings, which JavaScript reads exactly.
        bool int64AsString = Ieee754Compatible(http);

        await using var w = new Utf8JsonWriter(http.Response.Body);
        w.WriteStartObject();
        var selected = query.Columns.Concat(query.Position ? [ODataSet.Position] : []);
        bool all = query.Columns.Count == set.Columns.Count && query.Position;
        w.WriteString("@odata.context", root + "$metadata#" + set.Name + (all ? "" : "(" + string.Join(",", selected) + ")"));
        if (count is { } n) w.WriteNumber("@odata.count", n);
        w.WriteStartArray("value");
        int written = 0;
        bool more = false;
        while (await reader.ReadAsync(ct))
        {
            if (written == query.Page) { more = true; break; }
            w.WriteStartObject();
            if (did >= 0 && !reader.IsDBNull(did))
            {
                // The row's spectrum (its media stream) and its DataLink links: from a catalogue row to the data.
                string id = Uri.EscapeDataString(reader.GetString(did));
                w.WriteString("@odata.mediaReadLink", archiveUrl + "datalink/dataset?ID=" + id);
                w.WriteString("@odata.mediaContentType", "application/fits");
                w.WriteString("@" + ODataModel.Namespace + "." + ODataModel.DataLinkTerm, archiveUrl + "datalink/links?ID=" + id);
            }
            foreach (var (name, ordinal) in columns)
            {
                w.WritePropertyName(name);
                Value(w, reader, ordinal, int64AsString);
            }
            if (query.Position)
            {
                w.WritePropertyName(ODataSet.Position);
                if (reader.IsDBNull(ra) || reader.IsDBNull(dec)) w.WriteNullValue();
                else
                {
                    w.WriteStartObject();
                    w.WriteString("type", "Point");
                    w.WriteStartArray("coordinates");
                    w.WriteNumberValue(reader.GetDouble(ra));
                    w.WriteNumberValue(reader.GetDouble(dec));
                    w.WriteEndArray();
                    w.WriteEndObject();
                }
            }
            w.WriteEndObject();
            written++;
            if (w.BytesPending > 1 << 16) await w.FlushAsync(ct);
        }
        w.WriteEndArray();
        if (more && (query.Top is null || query.Top > written)) w.WriteString("@odata.nextLink", NextLink(http, root, set, query, written));
        w.WriteEndObject();
        await w.FlushAsync(ct);
    }

    /// <summary>The client asked for IEEE754Compatible=true (in Accept or $format).</summary>
    public static bool Ieee754Compatible(HttpContext http) =>
        http.Request.Headers.Accept.Concat(http.Request.Query["$format"]).Any(a => a?.Contains("IEEE754Compatible=true", StringComparison.OrdinalIgnoreCase) == true);

    private static void Value(Utf8JsonWriter w, DbDataReader reader, int i, bool int64AsString)
    {
        if (reader.IsDBNull(i)) { w.WriteNullValue(); return; }
        switch (reader.GetValue(i))
        {
            case double d when double.IsFinite(d): w.WriteNumberValue(d); break;
            case double d: w.WriteStringValue(double.IsNaN(d) ? "NaN" : d > 0 ? "INF" : "-INF"); break;
            case long l when int64AsString: w.WriteStringValue(l.ToString(CultureInfo.InvariantCulture)); break;
            case long l: w.WriteNumberValue(l); break;
            case int n: w.WriteNumberValue(n); break;
            case string s: w.WriteStringValue(s); break;
            case var o: w.WriteStringValue(Convert.ToString(o, CultureInfo.InvariantCulture)); break;
        }
    }

    private static string NextLink(HttpContext http, string root, ODataSet set, ODataQuery query, int written)
    {
        var args = http.Request.Query.Where(q => q.Key is not ("$skip" or "$top"))
            .Select(q => KeyValuePair.Create(q.Key, (string?)q.Value.ToString())).ToList();
        args.Add(KeyValuePair.Create("$skip", (string?)(query.Skip + written).ToString(CultureInfo.InvariantCulture)));
        if (query.Top is { } top) args.Add(KeyValuePair.Create("$top", (string?)(top - written).ToString(CultureInfo.InvariantCulture)));
        return QueryHelpers.AddQueryString(root + set.Name, args);
    }
}
