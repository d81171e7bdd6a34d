using System.Globalization;
using System.Net;
using Microsoft.Data.Sqlite;
using VoSpec.Adql.Db;
using VoSpec.Core.Faults;
using VoSpec.Core.Schema;
using VoSpec.VOTable;

namespace VoSpec.Server.Tap;

/// <summary>
/// TAP UPLOAD: each uploaded VOTable becomes a TEMP table on the query's own connection, visible to
/// ADQL only as TAP_UPLOAD.name. Sources are inline multipart parts (param:NAME) or http(s) URLs on
/// this machine's loopback (the server never fetches from elsewhere).
/// </summary>
public static class TapUploads
{
    /// <summary>Redirects are not followed: a loopback URL must not lead the server elsewhere (SSRF).</summary>
    private static readonly HttpClient s_http = new(new SocketsHttpHandler { AllowAutoRedirect = false, UseProxy = false }) { Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>Opens the upload named by a URI: the caller resolves param: references (multipart parts).</summary>
    public delegate Stream? PartResolver(string partName);

    /// <summary>
    /// Loads every upload into its own TEMP table, named uniquely: connections are pooled, so the
    /// caller drops them (<see cref="Drop"/>) when the query is done.
    /// </summary>
    public static async Task<IReadOnlyList<TableSchema>> LoadAsync(SqliteConnection conn, IReadOnlyList<(string Name, string Uri)> uploads,
        PartResolver parts, long limitBytes, CancellationToken ct)
    {
        var tables = new List<TableSchema>();
        int n = 0;
        foreach (var (name, uri) in uploads)
        {
            if (!IsRegularIdentifier(name)) throw new UserInputException($"UPLOAD name '{name}' must be an ADQL regular identifier");
            if (tables.Any(t => t.Name.Equals(name, StringComparison.OrdinalIgnoreCase))) throw new UserInputException($"UPLOAD name '{name}' is given twice");
            VOTableDocument doc;
            await using (var source = await OpenAsync(uri, parts, ct))
            await using (var limited = new LimitedStream(source, limitBytes))
            {
                try { doc = VOTableReader.Read(limited); }
                catch (VOTableFormatException e) { throw new UserInputException($"UPLOAD {name}: not a valid VOTable ({e.Message})"); }
                catch (System.Xml.XmlException e) { throw new UserInputException($"UPLOAD {name}: not a valid VOTable ({e.Message})"); }
            }
            var table = doc.Tables.FirstOrDefault() ?? throw new UserInputException($"UPLOAD {name}: the VOTable holds no TABLE");
            tables.Add(Create(conn, name, $"tap_upload_{Guid.NewGuid():N}_{n++}", table));
        }
        return tables;
    }

    private static async Task<Stream> OpenAsync(string uri, PartResolver parts, CancellationToken ct)
    {
        if (uri.StartsWith("param:", StringComparison.OrdinalIgnoreCase))
            return parts(uri[6..]) ?? throw new UserInputException($"UPLOAD refers to {uri}, but the request has no part named '{uri[6..]}'");
        if (!Uri.TryCreate(uri, UriKind.Absolute, out var u) || (u.Scheme != Uri.UriSchemeHttp && u.Scheme != Uri.UriSchemeHttps))
            throw new UserInputException($"UPLOAD URI '{uri}' must be param:PART or an http(s) URL");
        if (!u.IsLoopback && !(IPAddress.TryParse(u.Host, out var ip) && IPAddress.IsLoopback(ip)))
            throw new UserInputException($"UPLOAD URL '{uri}': this server fetches uploads only from its own machine (loopback); send the table inline instead");
        try
        {
            var response = await s_http.GetAsync(u, HttpCompletionOption.ResponseHeadersRead, ct);
            if (!response.IsSuccessStatusCode) throw new UserInputException($"UPLOAD URL '{uri}' answered HTTP {(int)response.StatusCode}");
            return await response.Content.ReadAsStreamAsync(ct);
        }
        catch (HttpRequestException e) { throw new UserInputException($"UPLOAD URL '{uri}' could not be read: {e.Message}"); }
    }

    private static TableSchema Create(SqliteConnection conn, string name, string sqlName, VOTableTable table)
    {
        var columns = new List<ColumnSchema>();
        var used = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var f in table.Fields)
        {
            if (!used.Add(f.Name)) throw new UserInputException($"UPLOAD {name}: column '{f.Name}' appears twice");
            columns.Add(new ColumnSchema
            {
                // arraysize="1" is a deprecated way of saying scalar.
                Name = f.Name, Datatype = f.Datatype, Arraysize = f.Arraysize == "1" ? null : f.Arraysize, Xtype = f.Xtype, Unit = f.Unit, Ucd = f.Ucd,
                Utype = f.Utype, Description = f.Description ?? "",
            });
        }
        string Quote(string s) => "\"" + s.Replace("\"", "\"\"") + "\"";
        var cols = columns.Select(c => $"{Quote(c.Name)} {StorageType(c)}");
        using (var cmd = conn.CreateCommand())
        {
            cmd.CommandText = $"CREATE TEMP TABLE {Quote(sqlName)}({string.Join(", ", cols)})";
            cmd.ExecuteNonQuery();
        }
        using var tx = conn.BeginTransaction();
        using (var insert = conn.CreateCommand())
        {
            insert.Transaction = tx;
            insert.CommandText = $"INSERT INTO {Quote(sqlName)} VALUES ({string.Join(", ", columns.Select((_, i) => "$p" + i))})";
            var ps = columns.Select((_, i) => insert.Parameters.Add(new SqliteParameter("$p" + i, null))).ToArray();
            foreach (var row in table.Rows)
            {
                for (int i = 0; i < ps.Length; i++) ps[i].Value = Storage(i < row.Length ? row[i] : null);
                insert.ExecuteNonQuery();
            }
        }
        tx.Commit();
        return TableMetadata.UploadTable(name, sqlName, columns);
    }

    public static void Drop(SqliteConnection conn, IEnumerable<TableSchema> uploads)
    {
        foreach (var t in uploads)
        {
            using var cmd = conn.CreateCommand();
            cmd.CommandText = $"DROP TABLE IF EXISTS temp.\"{t.SqlName}\"";
            cmd.ExecuteNonQuery();
        }
    }

    private static string StorageType(ColumnSchema c)
    {
        bool array = c.Arraysize is not null && c.Datatype is not ("char" or "unicodeChar");
        if (array) return "TEXT";
        return c.Datatype switch
        {
            "boolean" or "bit" or "unsignedByte" or "short" or "int" or "long" => "INTEGER",
            "float" or "double" => "REAL",
            _ => "TEXT",
        };
    }

    /// <summary>Values as SQLite stores them; arrays and geometries as DALI text (space-separated numbers).</summary>
    private static object Storage(object? v) => v switch
    {
        null => DBNull.Value,
        // SQLite has no NaN; VOTable treats a NaN float as null anyway.
        double d when double.IsNaN(d) => DBNull.Value,
        float f when float.IsNaN(f) => DBNull.Value,
        bool b => b ? 1L : 0L,
        // Complex has no SQLite type (binding it threw InvalidOperationException, a 500): DALI text "re im".
        System.Numerics.Complex c => c.Real.ToString("R", CultureInfo.InvariantCulture) + " " + c.Imaginary.ToString("R", CultureInfo.InvariantCulture),
        System.Numerics.Complex[] a => string.Join(' ', a.Select(c => c.Real.ToString("R", CultureInfo.InvariantCulture) + " " + c.Imaginary.ToString("R", CultureInfo.InvariantCulture))),
        double[] a => string.Join(' ', a.Select(x => x.ToString("R", CultureInfo.InvariantCulture))),
        float[] a => string.Join(' ', a.Select(x => x.ToString("R", CultureInfo.InvariantCulture))),
        long[] a => string.Join(' ', a),
        int[] a => string.Join(' ', a),
        short[] a => string.Join(' ', a),
        byte[] a => string.Join(' ', a),
        bool[] a => string.Join(' ', a.Select(x => x ? "T" : "F")),
        Array a => string.Join(' ', a.Cast<object>().Select(x => Convert.ToString(x, CultureInfo.InvariantCulture))),
        DateTime d => d.ToString("yyyy-MM-dd'T'HH:mm:ss.FFF", CultureInfo.InvariantCulture),
        _ => v,
    };

    private static bool IsRegularIdentifier(string s) =>
        s.Length > 0 && char.IsAsciiLetter(s[0]) && s.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');

    /// <summary>Stops reading past the upload limit with a clear error.</summary>
    private sealed class LimitedStream(Stream inner, long limit) : Stream
    {
        private long _read;
        public override int Read(byte[] buffer, int offset, int count)
        {
            int n = inner.Read(buffer, offset, count);
            _read += n;
            if (_read > limit) throw new UserInputException($"UPLOAD is larger than the limit of {limit} bytes");
            return n;
        }
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _read; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        protected override void Dispose(bool disposing) { if (disposing) inner.Dispose(); base.Dispose(disposing); }
    }
}
