using System.Text;
using System.Xml;

namespace VoSpec.VOTable;

/// <summary>
/// A forward-only, streaming VOTable 1.4 writer in the spirit of <c>Utf8JsonWriter</c>: elements go straight out in
/// document order (never a tree), the element order of the VOTable schema is enforced (misuse throws
/// <see cref="InvalidOperationException"/>), and output is held in one buffer until <see cref="Flush"/> or
/// <see cref="FlushAsync"/> sends it on — so an ASP.NET response body (no synchronous I/O) only sees async writes.
/// Call FlushAsync when <see cref="BytesPending"/> grows; <see cref="WriteTableAsync"/> does so itself.
/// <code>
/// await using var w = new VOTableWriter(response.Body);
/// w.BeginDocument();
/// w.BeginResource();
/// w.WriteInfo("QUERY_STATUS", "OK");
/// var r = await w.WriteTableAsync(reader, fields, Serialization.Binary2, maxRows, ct: ct);
/// if (r.Overflow) w.WriteInfo("QUERY_STATUS", "OVERFLOW");
/// w.EndResource();
/// w.WriteServiceDescriptor(ServiceDescriptor.DataLink(linksUrl, "pubdid"));
/// w.EndDocument();
/// await w.FlushAsync(ct);
/// </code>
/// </summary>
public sealed partial class VOTableWriter : IDisposable, IAsyncDisposable
{
    public const string Namespace = "http://www.ivoa.net/xml/VOTable/v1.3";
    public const string Version = "1.4";
    public const string ContentType = "application/x-votable+xml";

    private static readonly XmlWriterSettings s_settings = new()
    {
        Encoding = new UTF8Encoding(false),
        Indent = false,
        // Entitize keeps CR in cell text (Replace would silently turn CRLF into LF).
        NewLineHandling = NewLineHandling.Entitize,
        CloseOutput = false,
    };

    private readonly Stream _output;
    private readonly bool _leaveOpen;
    private readonly OutputBuffer _buffer = new();
    private readonly XmlWriter _xml;
    private readonly Stack<Frame> _frames = new();
    private readonly HashSet<string> _ids = new(StringComparer.Ordinal);
    private readonly List<(string Ref, string Where)> _refs = [];
    private CellEncoder? _cells;
    private Base64RowSink? _base64;
    private Serialization _serialization;
    private bool _started, _ended, _disposed;

    public VOTableWriter(Stream output, bool leaveOpen = false)
    {
        _output = output ?? throw new ArgumentNullException(nameof(output));
        _leaveOpen = leaveOpen;
        _xml = XmlWriter.Create(_buffer, s_settings);
    }

    private enum Scope { Document, Resource, Table }

    /// <summary>Phase within a scope: Document 0 head, 1 resources, 2 trailing INFOs; Resource 0 INFOs, 1 COOSYS/PARAM…, 2 tables and sub-resources.</summary>
    private sealed class Frame(Scope scope)
    {
        public Scope Scope { get; } = scope;
        public int Phase { get; set; }
        public bool HasContent { get; set; }
    }

    /// <summary>Bytes written but not yet sent to the output stream.</summary>
    public long BytesPending
    {
        get
        {
            if (_serialization != Serialization.Binary2 || _cells is null) _xml.Flush();
            return _buffer.Pending;
        }
    }

    /// <summary>Bytes produced so far (sent or pending).</summary>
    public long BytesWritten { get { _xml.Flush(); return _buffer.TotalWritten; } }

    /// <summary>Rows written into the open table (or the last one closed).</summary>
    public long RowsWritten { get; private set; }

    // ---- document ----

    public void BeginDocument(string? description = null)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_started) throw new InvalidOperationException("the document has already been begun");
        _started = true;
        _xml.WriteStartDocument();
        _xml.WriteRaw("\n");
        _xml.WriteStartElement("VOTABLE", Namespace);
        _xml.WriteAttributeString("version", Version);
        _frames.Push(new Frame(Scope.Document));
        if (description is not null) WriteDescription(description);
    }

    /// <summary>Closes the document; every <c>ref</c> must now name an ID written somewhere in it.</summary>
    public void EndDocument()
    {
        var f = Top("EndDocument");
        if (f.Scope != Scope.Document) throw new InvalidOperationException($"EndDocument inside an open {f.Scope.ToString().ToUpperInvariant()}: close it first");
        if (f.Phase == 0) throw new InvalidOperationException("a VOTABLE needs at least one RESOURCE");
        foreach (var (r, where) in _refs)
            if (!_ids.Contains(r)) throw new InvalidOperationException($"{where} has ref=\"{r}\" but no element has that ID");
        NewLine();
        _xml.WriteEndElement();
        _xml.WriteEndDocument();
        _xml.Flush();
        _frames.Pop();
        _ended = true;
    }

    // ---- INFO, COOSYS, TIMESYS, PARAM ----

    /// <summary>
    /// An INFO (name and value required; text is the human message). Allowed at the head of VOTABLE or RESOURCE, after
    /// a TABLE inside a RESOURCE (trailing OVERFLOW/ERROR status), and after the RESOURCEs of the document.
    /// </summary>
    public void WriteInfo(string name, string value, string? text = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(value);
        var f = Top("INFO");
        switch (f.Scope)
        {
            case Scope.Document:
                if (f.Phase == 1) f.Phase = 2;
                break;
            case Scope.Resource:
                if (f.Phase == 1) throw new InvalidOperationException("INFO cannot follow COOSYS/TIMESYS/PARAM/GROUP in a RESOURCE (schema order: INFO*, then those); write it first or after a TABLE");
                break;
            default: throw new InvalidOperationException("INFO inside a TABLE: call EndTable first (trailing status INFOs go after </TABLE>)");
        }
        NewLine();
        _xml.WriteStartElement("INFO");
        Attr("name", name);
        Attr("value", value);
        if (!string.IsNullOrEmpty(text)) _xml.WriteString(Lexical.XmlSafe(text));
        _xml.WriteEndElement();
    }

    /// <summary>A COOSYS (ID required), e.g. <c>WriteCooSys("icrs", "ICRS")</c>; define it before FIELDs ref it.</summary>
    public void WriteCooSys(string id, string system, string? equinox = null, string? epoch = null)
    {
        BeginDeclaration("COOSYS");
        _xml.WriteStartElement("COOSYS");
        Id(id, "COOSYS");
        Attr("system", system);
        Attr("equinox", equinox);
        Attr("epoch", epoch);
        _xml.WriteEndElement();
    }

    /// <summary>
    /// A TIMESYS: timescale (TT, TDB, UTC…) and refposition (TOPOCENTER, BARYCENTER…) required; timeorigin for numeric
    /// times (e.g. "MJD-origin"), never for xtype="timestamp" values.
    /// </summary>
    public void WriteTimeSys(string id, string timescale, string refPosition, string? timeOrigin = null)
    {
        BeginDeclaration("TIMESYS");
        _xml.WriteStartElement("TIMESYS");
        Id(id, "TIMESYS");
        Attr("timeorigin", timeOrigin);
        Attr("timescale", timescale);
        Attr("refposition", refPosition);
        _xml.WriteEndElement();
    }

    /// <summary>A PARAM at VOTABLE or RESOURCE level (before any TABLE of the RESOURCE).</summary>
    public void WriteParam(VOTableParam param)
    {
        BeginDeclaration("PARAM");
        WriteFieldElement("PARAM", param.Field, param.Value, param.Values);
    }

    private void BeginDeclaration(string what)
    {
        var f = Top(what);
        switch (f.Scope)
        {
            case Scope.Document when f.Phase == 0: break;
            case Scope.Document: throw new InvalidOperationException($"{what} at VOTABLE level must come before the first RESOURCE");
            case Scope.Resource when f.Phase <= 1: f.Phase = 1; break;
            case Scope.Resource: throw new InvalidOperationException($"{what} in a RESOURCE must come before its TABLEs and sub-RESOURCEs");
            default: throw new InvalidOperationException($"{what} cannot be written inside a TABLE");
        }
        NewLine();
    }

    // ---- RESOURCE ----

    /// <summary>Opens a RESOURCE (type "results" or "meta"), at document level or nested in a RESOURCE.</summary>
    public void BeginResource(string type = "results", string? name = null, string? id = null, string? utype = null, string? description = null)
    {
        if (type is not ("results" or "meta")) throw new ArgumentException($"RESOURCE type must be results or meta, not '{type}'", nameof(type));
        var f = Top("RESOURCE");
        switch (f.Scope)
        {
            case Scope.Document when f.Phase == 2: throw new InvalidOperationException("no RESOURCE may follow the document's trailing INFOs");
            case Scope.Document: f.Phase = 1; break;
            case Scope.Resource: f.Phase = 2; break;
            default: throw new InvalidOperationException("RESOURCE inside a TABLE: call EndTable first");
        }
        NewLine();
        _xml.WriteStartElement("RESOURCE");
        Attr("type", type);
        if (id is not null) Id(id, "RESOURCE");
        Attr("name", name);
        Attr("utype", utype);
        _frames.Push(new Frame(Scope.Resource));
        if (description is not null) WriteDescription(description);
    }

    public void EndResource()
    {
        var f = Top("EndResource");
        if (f.Scope != Scope.Resource) throw new InvalidOperationException(f.Scope == Scope.Table ? "EndResource with a TABLE open: call EndTable first" : "EndResource without an open RESOURCE");
        _frames.Pop();
        NewLine();
        _xml.WriteEndElement();
    }

    /// <summary>
    /// A DataLink service descriptor: RESOURCE type="meta" utype="adhoc:service" with PARAMs standardID/accessURL/
    /// resourceIdentifier/contentType and the GROUP "inputParams" (always present). Best at document level after the
    /// results RESOURCE (pyvo only looks there); refs of input PARAMs are checked at EndDocument.
    /// </summary>
    public void WriteServiceDescriptor(ServiceDescriptor d)
    {
        ArgumentNullException.ThrowIfNull(d);
        BeginResource("meta", d.Name, d.ID, d.Utype, d.Description);
        if (d.StandardId is not null) WriteParam(VOTableParam.Text("standardID", d.StandardId));
        WriteParam(VOTableParam.Text("accessURL", d.AccessUrl));
        if (d.ResourceIdentifier is not null) WriteParam(VOTableParam.Text("resourceIdentifier", d.ResourceIdentifier));
        if (d.ContentType is not null) WriteParam(VOTableParam.Text("contentType", d.ContentType));
        foreach (var p in d.ExtraParams) WriteParam(p);
        BeginDeclaration("GROUP");
        _xml.WriteStartElement("GROUP");
        Attr("name", "inputParams");
        foreach (var p in d.InputParams)
        {
            NewLine();
            WriteFieldElement("PARAM", p.Field, p.Value, p.Values);
        }
        _xml.WriteEndElement();
        EndResource();
    }

    // ---- TABLE ----

    /// <summary>
    /// Opens a TABLE with its FIELDs and DATA; then write rows (cell by cell in FIELD order and <see cref="EndRow"/>, or
    /// <see cref="WriteRow"/>) and close with <see cref="EndTable"/>. nrows is never written (rows are streamed).
    /// </summary>
    public void BeginTable(IReadOnlyList<VOTableField> fields, Serialization serialization = Serialization.TableData, string? name = null, string? description = null)
    {
        ArgumentNullException.ThrowIfNull(fields);
        if (fields.Count == 0) throw new ArgumentException("a TABLE needs at least one FIELD", nameof(fields));
        FieldCodec[] codecs;
        try { codecs = FieldCodec.Compile(fields); }
        catch (VOTableFormatException e) { throw new ArgumentException(e.Message, nameof(fields), e); }
        var f = Top("TABLE");
        if (f.Scope != Scope.Resource) throw new InvalidOperationException(f.Scope == Scope.Table ? "a TABLE is already open" : "a TABLE must be inside a RESOURCE: call BeginResource first");
        f.Phase = 2;
        NewLine();
        _xml.WriteStartElement("TABLE");
        Attr("name", name);
        _frames.Push(new Frame(Scope.Table));
        if (description is not null) WriteDescription(description);
        foreach (var field in fields)
        {
            NewLine();
            WriteFieldElement("FIELD", field, null, null);
        }
        NewLine();
        _xml.WriteStartElement("DATA");
        _serialization = serialization;
        RowsWritten = 0;
        if (serialization == Serialization.Binary2)
        {
            _xml.WriteStartElement("BINARY2");
            _xml.WriteStartElement("STREAM");
            _xml.WriteAttributeString("encoding", "base64");
            _xml.WriteString("\n"); // closes the start tag; from here the base64 goes straight into the buffer
            _xml.Flush();
            _base64 = new Base64RowSink(_buffer);
            _cells = new Binary2RowEncoder(codecs, _base64);
        }
        else
        {
            _xml.WriteStartElement("TABLEDATA");
            _xml.WriteRaw("\n");
            _xml.Flush(); // rows go straight into the buffer, after everything the XmlWriter holds
            _cells = new TableDataEncoder(codecs, _buffer);
        }
    }

    public void EndTable()
    {
        var f = Top("EndTable");
        if (f.Scope != Scope.Table || _cells is null) throw new InvalidOperationException("EndTable without an open TABLE");
        if (_cells.InRow) throw new InvalidOperationException($"EndTable in the middle of a row ({_cells.ColumnIndex} cells written): finish it with EndRow, or CancelRow");
        if (_base64 is not null)
        {
            _base64.Complete();
            _xml.WriteEndElement(); // STREAM
        }
        _xml.WriteEndElement(); // BINARY2 / TABLEDATA
        _xml.WriteEndElement(); // DATA
        NewLine();
        _xml.WriteEndElement(); // TABLE
        _frames.Pop();
        _cells = null;
        _base64 = null;
    }

    // ---- rows ----

    public void WriteNull() => Cells.WriteNull();
    public void WriteBoolean(bool value) => Cells.WriteBoolean(value);
    public void WriteInt64(long value) => Cells.WriteInt64(value);
    public void WriteDouble(double value) => Cells.WriteDouble(value);
    public void WriteSingle(float value) => Cells.WriteSingle(value);
    /// <summary>Text, or the lexical form of a non-text FIELD's value (e.g. "10 20" for a point); null → null.</summary>
    public void WriteString(string? value) => Cells.WriteString(value);
    public void WriteDateTime(DateTime value) => Cells.WriteDateTime(value);
    public void WriteArray(ReadOnlySpan<double> values) => Cells.WriteArray(values);
    public void WriteArray(ReadOnlySpan<float> values) => Cells.WriteArray(values);
    public void WriteArray(ReadOnlySpan<long> values) => Cells.WriteArray(values);
    public void WriteArray(ReadOnlySpan<int> values) => Cells.WriteArray(values);
    public void WriteArray(ReadOnlySpan<short> values) => Cells.WriteArray(values);
    public void WriteArray(ReadOnlySpan<byte> values) => Cells.WriteArray(values);
    public void WriteArray(ReadOnlySpan<bool> values) => Cells.WriteArray(values);
    /// <summary>One boxed cell (see <see cref="WriteRow"/> for the accepted types).</summary>
    public void WriteValue(object? value) => Cells.WriteValue(value);

    public void EndRow()
    {
        Cells.EndRow();
        RowsWritten++;
    }

    /// <summary>
    /// A whole row of boxed values in FIELD order: null or DBNull for null, bool, integers, reals, decimal, string,
    /// DateTime, or arrays of double/float/long/int/short/byte/bool.
    /// </summary>
    public void WriteRow(ReadOnlySpan<object?> cells)
    {
        var enc = Cells;
        if (enc.InRow) throw new InvalidOperationException("WriteRow in the middle of a row");
        if (cells.Length != enc.FieldCount) throw new ArgumentException($"{cells.Length} cells for {enc.FieldCount} FIELDs", nameof(cells));
        foreach (var c in cells) enc.WriteValue(c);
        EndRow();
    }

    /// <summary>
    /// Abandons a partly written row after a failure, so the table can still be closed: dropped in BINARY2, completed
    /// with nulls in TABLEDATA (what was written cannot be taken back).
    /// </summary>
    public void CancelRow()
    {
        if (Cells.CancelRow() && _serialization == Serialization.TableData) RowsWritten++;
    }

    private CellEncoder Cells => _cells ?? throw new InvalidOperationException("no TABLE is open: call BeginTable first");

    // ---- output ----

    /// <summary>Sends everything written so far to the output (synchronously: not for ASP.NET response bodies).</summary>
    public void Flush()
    {
        _xml.Flush();
        _buffer.DrainTo(_output);
        _output.Flush();
    }

    public async Task FlushAsync(CancellationToken ct = default)
    {
        _xml.Flush();
        await _buffer.DrainToAsync(_output, ct).ConfigureAwait(false);
        await _output.FlushAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Sends what is pending (an unfinished document stays unfinished) and closes the output unless leaveOpen.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _xml.Flush();
        _buffer.DrainTo(_output);
        _buffer.Dispose();
        if (_leaveOpen) _output.Flush(); else _output.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed) return;
        _disposed = true;
        _xml.Flush();
        await _buffer.DrainToAsync(_output, default).ConfigureAwait(false);
        _buffer.Dispose();
        if (_leaveOpen) await _output.FlushAsync().ConfigureAwait(false);
        else await _output.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>True once EndDocument has been called.</summary>
    public bool IsComplete => _ended;

    // ---- helpers ----

    private Frame Top(string what)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!_started) throw new InvalidOperationException($"{what} before BeginDocument");
        if (_ended) throw new InvalidOperationException($"{what} after EndDocument");
        return _frames.Peek();
    }

    private void WriteDescription(string text)
    {
        NewLine();
        _xml.WriteElementString("DESCRIPTION", Lexical.XmlSafe(text));
    }

    private void WriteFieldElement(string element, VOTableField f, string? value, VOTableValues? values)
    {
        try { _ = new FieldCodec(f, 0); }
        catch (VOTableFormatException e) { throw new ArgumentException(e.Message, e); }
        _xml.WriteStartElement(element);
        Attr("name", f.Name);
        if (f.ID is not null) Id(f.ID, $"{element} {f.Name}");
        Attr("datatype", f.Datatype);
        Attr("arraysize", f.Arraysize);
        Attr("xtype", f.Xtype);
        Attr("unit", f.Unit);
        Attr("ucd", f.Ucd);
        Attr("utype", f.Utype);
        if (f.Ref is not null) { Attr("ref", f.Ref); _refs.Add((f.Ref, $"{element} {f.Name}")); }
        if (value is not null) Attr("value", value);
        if (!string.IsNullOrEmpty(f.Description)) _xml.WriteElementString("DESCRIPTION", Lexical.XmlSafe(f.Description));
        if (values is not null && !values.IsEmpty)
        {
            _xml.WriteStartElement("VALUES");
            Attr("null", values.Null);
            if (values.Min is not null) Bound("MIN", values.Min, values.MinInclusive);
            if (values.Max is not null) Bound("MAX", values.Max, values.MaxInclusive);
            foreach (var o in values.Options)
            {
                _xml.WriteStartElement("OPTION");
                Attr("name", o.Name);
                Attr("value", o.Value);
                _xml.WriteEndElement();
            }
            _xml.WriteEndElement();
        }
        _xml.WriteEndElement();
    }

    private void Bound(string element, string value, bool inclusive)
    {
        _xml.WriteStartElement(element);
        Attr("value", value);
        if (!inclusive) Attr("inclusive", "no");
        _xml.WriteEndElement();
    }

    private void Attr(string name, string? value)
    {
        if (value is not null) _xml.WriteAttributeString(name, Lexical.XmlSafe(value));
    }

    private void Id(string id, string where)
    {
        if (!IsXmlId(id)) throw new ArgumentException($"{where}: '{id}' is not a valid XML ID ([A-Za-z_][A-Za-z0-9._-]*)");
        if (!_ids.Add(id)) throw new InvalidOperationException($"{where}: ID '{id}' is already used in this document");
        _xml.WriteAttributeString("ID", id);
    }

    private static bool IsXmlId(string id)
    {
        if (id.Length == 0 || !(char.IsAsciiLetter(id[0]) || id[0] == '_')) return false;
        foreach (char c in id) if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-')) return false;
        return true;
    }

    private void NewLine() => _xml.WriteWhitespace("\n");
}
