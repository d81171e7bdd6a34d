using System.Xml;

namespace VoSpec.VOTable;

/// <summary>
/// Reads a whole VOTable (1.1–1.5, with or without namespace) into a <see cref="VOTableDocument"/>: FIELDs, rows from
/// TABLEDATA, BINARY or BINARY2 (base64 STREAM, decoded as it is read), INFOs, PARAMs, GROUPs and service descriptors.
/// Cells are typed by datatype: bool, byte (unsignedByte), short, int, long, float, double, string (char/unicodeChar),
/// System.Numerics.Complex, bool[] for bit arrays, or arrays of those; null for empty TDs, BINARY2 null flags and
/// VALUES null. Anything that breaks the standard raises <see cref="VOTableFormatException"/> saying what and where.
/// Rows are held in memory: meant for TAP uploads and tests, not for huge tables.
/// </summary>
public static class VOTableReader
{
    private static readonly XmlReaderSettings s_settings = new()
    {
        DtdProcessing = DtdProcessing.Ignore,
        XmlResolver = null,
        IgnoreComments = true,
        IgnoreProcessingInstructions = true,
        CloseInput = false,
    };

    public static VOTableDocument Read(Stream input)
    {
        ArgumentNullException.ThrowIfNull(input);
        try
        {
            using var r = XmlReader.Create(input, s_settings);
            return ReadDocument(r);
        }
        catch (XmlException e)
        {
            throw new VOTableFormatException($"not well-formed XML at line {e.LineNumber}, position {e.LinePosition}: {e.Message}", e);
        }
        catch (FormatException e) when (e is not VOTableFormatException)
        {
            throw new VOTableFormatException($"bad content: {e.Message}", e);
        }
    }

    public static VOTableDocument ReadFile(string path)
    {
        using var s = File.OpenRead(path);
        return Read(s);
    }

    public static VOTableDocument Parse(string xml)
    {
        using var s = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(xml));
        return Read(s);
    }

    private static VOTableDocument ReadDocument(XmlReader r)
    {
        if (r.MoveToContent() != XmlNodeType.Element)
            throw new VOTableFormatException("the document has no root element");
        if (r.LocalName != "VOTABLE")
            throw new VOTableFormatException($"the root element is <{r.Name}>, not <VOTABLE>");
        string? version = r.GetAttribute("version");
        string? description = null;
        var infos = new List<VOTableInfo>();
        var @params = new List<VOTableParam>();
        var resources = new List<VOTableResource>();
        foreach (string name in Children(r))
        {
            switch (name)
            {
                case "DESCRIPTION": description = r.ReadElementContentAsString(); break;
                case "INFO": infos.Add(ReadInfo(r)); break;
                case "PARAM": @params.Add(ReadParam(r)); break;
                case "RESOURCE": resources.Add(ReadResource(r)); break;
                default: r.Skip(); break;
            }
        }
        if (resources.Count == 0) throw new VOTableFormatException("the VOTABLE has no RESOURCE");
        return new VOTableDocument { Version = version, Description = description, Infos = infos, Params = @params, Resources = resources };
    }

    private static VOTableResource ReadResource(XmlReader r)
    {
        string type = r.GetAttribute("type") ?? "results";
        if (type is not ("results" or "meta")) throw new VOTableFormatException($"RESOURCE type '{type}' is neither results nor meta");
        string? name = r.GetAttribute("name"), id = r.GetAttribute("ID"), utype = r.GetAttribute("utype");
        string? description = null;
        var infos = new List<VOTableInfo>();
        var @params = new List<VOTableParam>();
        var groups = new List<VOTableGroup>();
        var tables = new List<VOTableTable>();
        var resources = new List<VOTableResource>();
        foreach (string child in Children(r))
        {
            switch (child)
            {
                case "DESCRIPTION": description = r.ReadElementContentAsString(); break;
                case "INFO": infos.Add(ReadInfo(r)); break;
                case "PARAM": @params.Add(ReadParam(r)); break;
                case "GROUP": groups.Add(ReadGroup(r)); break;
                case "TABLE": tables.Add(ReadTable(r)); break;
                case "RESOURCE": resources.Add(ReadResource(r)); break;
                default: r.Skip(); break;
            }
        }
        return new VOTableResource
        {
            Type = type, Name = name, ID = id, Utype = utype, Description = description,
            Infos = infos, Params = @params, Groups = groups, Tables = tables, Resources = resources,
        };
    }

    private static VOTableGroup ReadGroup(XmlReader r)
    {
        string? name = r.GetAttribute("name");
        var @params = new List<VOTableParam>();
        foreach (string child in Children(r))
        {
            if (child == "PARAM") @params.Add(ReadParam(r));
            else r.Skip();
        }
        return new VOTableGroup(name, @params);
    }

    private static VOTableInfo ReadInfo(XmlReader r)
    {
        string name = r.GetAttribute("name") ?? throw new VOTableFormatException("an INFO has no name attribute");
        string value = r.GetAttribute("value") ?? throw new VOTableFormatException($"INFO '{name}' has no value attribute");
        string text = r.ReadElementContentAsString();
        return new VOTableInfo(name, value, text.Length == 0 ? null : text);
    }

    private static VOTableParam ReadParam(XmlReader r)
    {
        string? value = r.GetAttribute("value");
        var (field, values) = ReadField(r, "PARAM");
        if (value is null) throw new VOTableFormatException($"PARAM '{field.Name}' has no value attribute");
        return new VOTableParam(field, value) { Values = values };
    }

    private static (VOTableField Field, VOTableValues? Values) ReadField(XmlReader r, string element)
    {
        string name = r.GetAttribute("name") ?? throw new VOTableFormatException($"a {element} has no name attribute");
        string datatype = r.GetAttribute("datatype") ?? throw new VOTableFormatException($"{element} '{name}' has no datatype attribute");
        if (!VOTableDatatypes.TryParse(datatype, out _)) throw new VOTableFormatException($"{element} '{name}': unknown datatype '{datatype}'");
        var field = new VOTableField(name, datatype)
        {
            Arraysize = r.GetAttribute("arraysize"),
            Xtype = r.GetAttribute("xtype"),
            Unit = r.GetAttribute("unit"),
            Ucd = r.GetAttribute("ucd"),
            Utype = r.GetAttribute("utype"),
            ID = r.GetAttribute("ID"),
            Ref = r.GetAttribute("ref"),
        };
        _ = ArraySize.Parse(field.Arraysize, name);
        VOTableValues? values = null;
        foreach (string child in Children(r))
        {
            switch (child)
            {
                case "DESCRIPTION": field = field with { Description = r.ReadElementContentAsString() }; break;
                case "VALUES": values = ReadValues(r); break;
                default: r.Skip(); break;
            }
        }
        if (values?.Null is { } nul) field = field with { NullValue = nul };
        return (field, values);
    }

    private static VOTableValues ReadValues(XmlReader r)
    {
        string? nul = r.GetAttribute("null");
        string? min = null, max = null;
        bool minInc = true, maxInc = true;
        var options = new List<VOTableOption>();
        foreach (string child in Children(r))
        {
            switch (child)
            {
                case "MIN": min = r.GetAttribute("value"); minInc = r.GetAttribute("inclusive") != "no"; r.Skip(); break;
                case "MAX": max = r.GetAttribute("value"); maxInc = r.GetAttribute("inclusive") != "no"; r.Skip(); break;
                case "OPTION": ReadOption(r, options); break;
                default: r.Skip(); break;
            }
        }
        return new VOTableValues { Null = nul, Min = min, Max = max, MinInclusive = minInc, MaxInclusive = maxInc, Options = options };
    }

    private static void ReadOption(XmlReader r, List<VOTableOption> options)
    {
        string value = r.GetAttribute("value") ?? throw new VOTableFormatException("an OPTION has no value attribute");
        options.Add(new VOTableOption(value, r.GetAttribute("name")));
        foreach (string child in Children(r))
        {
            if (child == "OPTION") ReadOption(r, options);
            else r.Skip();
        }
    }

    private static VOTableTable ReadTable(XmlReader r)
    {
        string? name = r.GetAttribute("name"), id = r.GetAttribute("ID");
        string? description = null, serialization = null;
        var fields = new List<VOTableField>();
        var @params = new List<VOTableParam>();
        var infos = new List<VOTableInfo>();
        List<object?[]> rows = [];
        foreach (string child in Children(r))
        {
            switch (child)
            {
                case "DESCRIPTION": description = r.ReadElementContentAsString(); break;
                case "FIELD": fields.Add(ReadField(r, "FIELD").Field); break;
                case "PARAM": @params.Add(ReadParam(r)); break;
                case "INFO": infos.Add(ReadInfo(r)); break;
                case "DATA":
                    if (fields.Count == 0) throw new VOTableFormatException($"TABLE '{name}' has DATA but no FIELD");
                    (serialization, rows) = ReadData(r, FieldCodec.Compile(fields), infos);
                    break;
                default: r.Skip(); break;
            }
        }
        return new VOTableTable
        {
            Name = name, ID = id, Description = description, Fields = fields, Params = @params,
            Rows = rows, Infos = infos, Serialization = serialization,
        };
    }

    private static (string? Serialization, List<object?[]> Rows) ReadData(XmlReader r, FieldCodec[] codecs, List<VOTableInfo> infos)
    {
        string? serialization = null;
        var rows = new List<object?[]>();
        foreach (string child in Children(r))
        {
            switch (child)
            {
                case "TABLEDATA": serialization = child; ReadTableData(r, codecs, rows); break;
                case "BINARY" or "BINARY2":
                    serialization = child;
                    ReadBinary(r, codecs, child == "BINARY2", rows);
                    break;
                case "FITS": throw new VOTableFormatException("FITS serialization inside a VOTable is not supported; use TABLEDATA, BINARY or BINARY2");
                case "INFO": infos.Add(ReadInfo(r)); break;
                default: r.Skip(); break;
            }
        }
        return (serialization, rows);
    }

    private static void ReadTableData(XmlReader r, FieldCodec[] codecs, List<object?[]> rows)
    {
        foreach (string tr in Children(r))
        {
            if (tr != "TR") throw new VOTableFormatException($"<{tr}> inside TABLEDATA (only TR allowed)");
            long row = rows.Count + 1;
            var cells = new object?[codecs.Length];
            int n = 0;
            foreach (string td in Children(r))
            {
                if (td != "TD") throw new VOTableFormatException($"row {row}: <{td}> inside TR (only TD allowed)");
                if (n >= codecs.Length) throw new VOTableFormatException($"row {row} has more TDs than the {codecs.Length} FIELDs");
                cells[n] = CellParser.Parse(codecs[n], r.ReadElementContentAsString(), row);
                n++;
            }
            if (n != codecs.Length) throw new VOTableFormatException($"row {row} has {n} TDs for {codecs.Length} FIELDs");
            rows.Add(cells);
        }
    }

    private static void ReadBinary(XmlReader r, FieldCodec[] codecs, bool binary2, List<object?[]> rows)
    {
        string element = binary2 ? "BINARY2" : "BINARY";
        bool sawStream = false;
        foreach (string child in Children(r))
        {
            if (child != "STREAM") { r.Skip(); continue; }
            if (sawStream) throw new VOTableFormatException($"{element} has more than one STREAM");
            sawStream = true;
            if (r.GetAttribute("href") is { } href) throw new VOTableFormatException($"{element} STREAM href=\"{href}\": external streams are not supported");
            string encoding = r.GetAttribute("encoding") ?? "none";
            if (encoding != "base64") throw new VOTableFormatException($"{element} STREAM encoding '{encoding}' is not supported inline (base64 only)");
            var decoder = new BinaryRowDecoder(codecs, binary2, new XmlBase64Stream(r));
            try
            {
                while (decoder.ReadRow() is { } row) rows.Add(row);
            }
            catch (FormatException e) when (e is not VOTableFormatException)
            {
                throw new VOTableFormatException($"{element} STREAM is not valid base64 (after {decoder.RowsRead} rows): {e.Message}", e);
            }
            catch (XmlException e)
            {
                throw new VOTableFormatException($"{element} STREAM is not valid base64 (after {decoder.RowsRead} rows): {e.Message}", e);
            }
        }
        if (!sawStream) throw new VOTableFormatException($"{element} has no STREAM");
    }

    /// <summary>
    /// Iterates the child elements of the element the reader is on, yielding each child's local name with the reader
    /// positioned on it; the consumer must consume the child (read its content or Skip). Ends past the end tag.
    /// </summary>
    private static IEnumerable<string> Children(XmlReader r)
    {
        if (r.IsEmptyElement) { r.Read(); yield break; }
        int depth = r.Depth;
        r.Read();
        while (true)
        {
            if (r.NodeType == XmlNodeType.EndElement && r.Depth == depth) { r.Read(); yield break; }
            if (r.ReadState != ReadState.Interactive) throw new VOTableFormatException("the document ends inside an element");
            if (r.NodeType == XmlNodeType.Element)
            {
                var at = Where(r);
                yield return r.LocalName;
                // A consumer that left the reader on this very start tag did not consume the child: skip it. (After
                // consuming, the reader may sit on the next sibling's start tag, which must not be skipped.)
                if (r.NodeType == XmlNodeType.Element && Where(r) == at) r.Skip();
            }
            else r.Read();
        }
    }

    private static (int, int, int) Where(XmlReader r) =>
        r is IXmlLineInfo li && li.HasLineInfo() ? (li.LineNumber, li.LinePosition, r.Depth) : throw new InvalidOperationException("XmlReader without line info");

    /// <summary>Base64 content of the current element as a read-only stream, decoded by XmlReader chunk by chunk.</summary>
    private sealed class XmlBase64Stream(XmlReader r) : Stream
    {
        private bool _done;

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (_done || count == 0) return 0;
            int n = r.ReadElementContentAsBase64(buffer, offset, count);
            if (n == 0) _done = true;
            return n;
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
