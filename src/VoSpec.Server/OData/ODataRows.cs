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
    private static readonly JsonEncodedText MediaReadLink = JsonEncodedText.Encode("@odata.mediaReadLink"), DataLinkAnnotation = JsonEncodedText.Encode("@" + ODataModel.Namespace + "." + ODataModel.DataLinkTerm),
        PositionName = JsonEncodedText.Encode(ODataSet.Position), TypeName = JsonEncodedText.Encode("type"), PointValue = JsonEncodedText.Encode("Point"),
        CoordinatesName = JsonEncodedText.Encode("coordinates");

    /// <param name="stored">The fields of the stored rows when the reader returns each row's BINARY2 bytes instead of its cells.</param>
    public static async Task WriteAsync(HttpContext http, string root, ODataSet set, ODataQuery query, DbDataReader reader,
        IReadOnlyList<VoSpec.VOTable.VOTableField>? stored, long? count, CancellationToken ct)
    {
        var storedRow = stored is null ? null : new StoredRowCells(stored);
        int Ordinal(string name)
        {
            if (stored is not null)
            {
                for (int i = 0; i < stored.Count; i++)
                    if (stored[i].Name == name) return i;
            }
            else
                for (int i = 0; i < reader.FieldCount; i++)
                    if (reader.GetName(i) == name) return i;
            throw new InvalidOperationException($"column {name} is missing from the query");
        }
        var columns = query.Columns.Select(c => (Name: JsonEncodedText.Encode(c), Ordinal: Ordinal(c), Kind: Kind(set, c))).ToArray();
        // Cells without boxing or a string per cell: from the stored row, or straight from the backend's reader.
        VoSpec.VOTable.IRawCells? raw = storedRow ?? reader as VoSpec.VOTable.IRawCells;
        var rawReader = reader as VoSpec.VOTable.IRawCells;
        int ra = query.Position ? Ordinal(set.Ra) : -1, dec = query.Position ? Ordinal(set.Dec) : -1;
        int did = set.Type.HasStream ? Ordinal("obs_publisher_did") : -1;
        bool accessUrl = query.Columns.Contains("access_url");
        string archiveUrl = root[..^"odata/".Length];
        byte[] datasetPrefix = System.Text.Encoding.UTF8.GetBytes(archiveUrl + "datalink/dataset?ID="), linksPrefix = System.Text.Encoding.UTF8.GetBytes(archiveUrl + "datalink/links?ID=");
        byte[] didBytes = new byte[256], url = new byte[1024];
        // IEEE754Compatible=true (asked in Accept or $format): 64-bit integers as strings, which JavaScript reads exactly.
        bool int64AsString = Ieee754Compatible(http);

        // The writer's checks are the code's own (each row is one object of known properties), and JSON served as
        // application/json needs no HTML-safe escaping: URLs keep their & and + as they are, and the writer is faster.
        // A page within 256 KB goes out in one write with its Content-Length (the client is done at its last byte); a
        // larger one streams from the moment it passes that (BufferedResponseBody), so memory stays bounded.
        await using var body = new VoSpec.Server.Hosting.BufferedResponseBody(http.Response);
        await using var w = new Utf8JsonWriter(body, new JsonWriterOptions
        {
            SkipValidation = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        });
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
            if (storedRow is not null)
            {
                if (rawReader is null || !rawReader.TryGetBytes(0, out var bytes)) throw new InvalidOperationException("a stored row is missing");
                storedRow.Load(bytes);
            }
            w.WriteStartObject();
            if (did >= 0 && Did(reader, raw, did, ref didBytes) is { Length: > 0 } id)
            {
                // The row's spectrum (its media stream) and its DataLink links: from a catalogue row to the data.
                w.WriteString(MediaReadLink, Url(datasetPrefix, id, ref url));
                // access_url is already the {links} URL (access_format says DataLink): the annotation stands in when it is not selected.
                if (!accessUrl) w.WriteString(DataLinkAnnotation, Url(linksPrefix, id, ref url));
            }
            foreach (var (name, ordinal, kind) in columns)
            {
                w.WritePropertyName(name);
                if (raw is null) Value(w, reader, ordinal, int64AsString);
                else RawValue(w, raw, ordinal, kind, int64AsString);
            }
            if (query.Position)
            {
                w.WritePropertyName(PositionName);
                double x = 0, y = 0;
                bool known;
                if (raw is not null) known = raw.TryGetDouble(ra, out x) & raw.TryGetDouble(dec, out y);
                else if (known = !reader.IsDBNull(ra) && !reader.IsDBNull(dec)) (x, y) = (reader.GetDouble(ra), reader.GetDouble(dec));
                if (!known) w.WriteNullValue();
                else
                {
                    w.WriteStartObject();
                    w.WriteString(TypeName, PointValue);
                    w.WriteStartArray(CoordinatesName);
                    w.WriteNumberValue(x);
                    w.WriteNumberValue(y);
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
        await body.CompleteAsync(ct);
    }

    /// <summary>The row's DID as UTF-8 (raw from the reader where it can), empty when null.</summary>
    private static ReadOnlySpan<byte> Did(DbDataReader reader, VoSpec.VOTable.IRawCells? raw, int ordinal, ref byte[] buffer)
    {
        if (raw is not null) return raw.TryGetUtf8(ordinal, out var text) ? text : default;
        if (reader.IsDBNull(ordinal)) return default;
        var s = reader.GetString(ordinal);
        if (buffer.Length < s.Length * 3) buffer = new byte[s.Length * 3];
        return buffer.AsSpan(0, System.Text.Encoding.UTF8.GetBytes(s, buffer));
    }

    /// <summary>prefix + the DID percent-encoded as Uri.EscapeDataString does (RFC 3986: all but unreserved characters), into a reused buffer.</summary>
    private static ReadOnlySpan<byte> Url(byte[] prefix, ReadOnlySpan<byte> did, ref byte[] buffer)
    {
        int need = prefix.Length + did.Length * 3;
        if (buffer.Length < need) buffer = new byte[need];
        prefix.CopyTo(buffer, 0);
        int n = prefix.Length;
        foreach (byte b in did)
        {
            if (b is (>= (byte)'A' and <= (byte)'Z') or (>= (byte)'a' and <= (byte)'z') or (>= (byte)'0' and <= (byte)'9') or (byte)'-' or (byte)'.' or (byte)'_' or (byte)'~')
                buffer[n++] = b;
            else
            {
                buffer[n++] = (byte)'%';
                buffer[n++] = (byte)"0123456789ABCDEF"[b >> 4];
                buffer[n++] = (byte)"0123456789ABCDEF"[b & 15];
            }
        }
        return buffer.AsSpan(0, n);
    }

    private enum CellKind { Text, Real, Integer }

    private static CellKind Kind(ODataSet set, string column) => set.Columns.First(c => c.Name == column) switch
    {
        var c when ODataModel.Primitive(c) is Microsoft.OData.Edm.EdmPrimitiveTypeKind.Double or Microsoft.OData.Edm.EdmPrimitiveTypeKind.Single => CellKind.Real,
        var c when ODataModel.Primitive(c) is Microsoft.OData.Edm.EdmPrimitiveTypeKind.String => CellKind.Text,
        _ => CellKind.Integer,
    };

    private static void RawValue(Utf8JsonWriter w, VoSpec.VOTable.IRawCells raw, int i, CellKind kind, bool int64AsString)
    {
        switch (kind)
        {
            case CellKind.Real:
                if (!raw.TryGetDouble(i, out var d)) w.WriteNullValue();
                else if (double.IsFinite(d)) w.WriteNumberValue(d);
                else w.WriteStringValue(double.IsNaN(d) ? "NaN" : d > 0 ? "INF" : "-INF");
                break;
            case CellKind.Integer:
                if (!raw.TryGetInt64(i, out var l)) w.WriteNullValue();
                else if (int64AsString) w.WriteStringValue(l.ToString(CultureInfo.InvariantCulture));
                else w.WriteNumberValue(l);
                break;
            default:
                if (!raw.TryGetUtf8(i, out var text)) w.WriteNullValue();
                else w.WriteStringValue(text);
                break;
        }
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
