using System.Net;
using VoSpec.Core.Faults;
using VoSpec.VOTable;

namespace VoSpec.Server.Tap;

/// <summary>
/// TAP UPLOAD: reads each uploaded VOTable for the archive, which makes it a table visible to the query's ADQL only
/// as TAP_UPLOAD.name. Sources are inline multipart parts (param:NAME) or http(s) URLs on this machine's loopback (the
/// server never fetches from elsewhere).
/// </summary>
public static class TapUploads
{
    /// <summary>Redirects are not followed: a loopback URL must not lead the server elsewhere (SSRF).</summary>
    private static readonly HttpClient s_http = new(new SocketsHttpHandler { AllowAutoRedirect = false, UseProxy = false }) { Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>Opens the upload named by a URI: the caller resolves param: references (multipart parts).</summary>
    public delegate Stream? PartResolver(string partName);

    /// <summary>Reads every upload's first table, each within <paramref name="limitBytes"/>.</summary>
    public static async Task<IReadOnlyList<UploadedTable>> LoadAsync(IReadOnlyList<(string Name, string Uri)> uploads,
        PartResolver parts, long limitBytes, CancellationToken ct)
    {
        var tables = new List<UploadedTable>();
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
            tables.Add(new UploadedTable(name, table));
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
