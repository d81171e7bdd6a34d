using System.Globalization;
using System.Runtime.CompilerServices;
using VoSpec.Core.Spectra;

namespace VoSpec.Fits.Desi;

/// <summary>
/// What DataLink needs to list and serve the arms of one DESI file (coadd or spectra, plain or tile-compressed masks), as
/// DESI's pipeline wrote them — issue 15's "the three arms are kept as they are". <see cref="Open"/> reads the file once
/// (through a memory map it then closes): its target fibres indexed by obs_id (the names <see cref="DesiReader"/> gives
/// spectra at ingest) and each arm's table layout, found from the headers (no pixel decoded, no mask decompressed). This
/// object keeps no file open, so an archive can keep those of many files; <see cref="OpenReader"/> maps the file for one
/// request, to copy a fibre's arm or merge it again. Immutable and thread-safe.
/// </summary>
public sealed partial class DesiArmSource
{
    private readonly string _path;
    private readonly Dictionary<string, DesiArmFibre> _fibres;

    private DesiArmSource(string path, Dictionary<string, DesiArmFibre> fibres, IReadOnlyList<DesiArmLayout> layouts, FitsHeader groupCards)
    {
        _path = path; _fibres = fibres; Arms = layouts; GroupCards = groupCards;
    }

    /// <summary>The file's name (not its directory).</summary>
    public string FileName => Path.GetFileName(_path);

    /// <summary>The arms, bluest first (B, R, Z in DESI's files), with the columns each one's table has.</summary>
    public IReadOnlyList<DesiArmLayout> Arms { get; }

    /// <summary>The primary header's cards that say which group of which production the file is (SURVEY, PROGRAM, SPGRP…).</summary>
    public FitsHeader GroupCards { get; }

    /// <summary>The target fibre the archive calls <paramref name="obsId"/>; null when the file holds none of that name.</summary>
    public DesiArmFibre? Find(string obsId) => _fibres.GetValueOrDefault(obsId);

    /// <summary>Every target fibre of the file, in FIBERMAP order.</summary>
    public IEnumerable<DesiArmFibre> Fibres => _fibres.Values.OrderBy(f => f.Row);

    /// <summary>The arm of that name (case-insensitive); null when the file has none.</summary>
    public DesiArmLayout? Arm(string name) => Arms.FirstOrDefault(a => a.Name.Equals(name, StringComparison.OrdinalIgnoreCase));

    /// <summary>Reads <paramref name="path"/>'s index and arm layouts; <see cref="FitsFormatException"/> if it is not a DESI file.</summary>
    public static DesiArmSource Open(string path)
    {
        using var mapped = MappedFitsFile.Open(path);
        var file = mapped.File;
        try
        {
            var index = DesiReader.Read(file, resolution: false, arms: false, pixels: false);
            var arms = DesiReader.FindArms(file, index.FibreRows, resolution: true, masks: false);
            var fibres = new Dictionary<string, DesiArmFibre>(StringComparer.Ordinal);
            foreach (var s in index.Spectra)
                if (s.Merged.Meta.SurveyObsId is { } obsId)
                    fibres[obsId] = new DesiArmFibre(obsId, s.Fibre.Row, s.Fibre.TargetId, index.Kind == DesiFileKind.Spectra ? s.Fibre.ExpId : null);
            var layouts = arms.Select(a => LayoutOf(file, a)).ToList();
            return new DesiArmSource(path, fibres, layouts, GroupCardsOf(file.Primary.Header));
        }
        catch (Exception e) when (e is InvalidOperationException or KeyNotFoundException or OverflowException)
        {
            throw new FitsFormatException($"{file.Name}: not a readable DESI file: {e.Message}", e);
        }
    }

    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string Arm, bool Exposure, int ObsId, int Did), long> _lengths = new();

    /// <summary>
    /// <see cref="DesiArmFits.Length"/> of one fibre's arm, remembered: the headers' card images, and so the file's length,
    /// depend on which cards there are and on the lengths of the strings (a long one continues on CONTINUE cards), not
    /// on the numbers — {links} lists three arms per DESI spectrum and rendering six headers for each costs more than the
    /// rest of its rows.
    /// </summary>
    public long Length(DesiArmFibre fibre, DesiArmLayout arm, string? did) =>
        // A quote is doubled in a card, and where a long string is cut may depend on where quotes fall: not remembered.
        fibre.ObsId.Contains('\'') || did?.Contains('\'') == true ? DesiArmFits.Length(FileName, GroupCards, fibre, arm, did)
        : _lengths.GetOrAdd((arm.Name, fibre.ExpId is not null, fibre.ObsId.Length, did?.Length ?? -1),
            _ => DesiArmFits.Length(FileName, GroupCards, fibre, arm, did));

    /// <summary>Maps the file for one request's reads (the caller disposes it); <see cref="FitsFormatException"/> when it no longer reads as indexed.</summary>
    public DesiArmReader OpenReader() => new(_path, this);
}

/// <summary>
/// One DESI file mapped for one request: a fibre's arm copied out in the images' own types (<see cref="ReadArm"/>), or its
/// arms merged as ingest merged them (<see cref="Merge"/>), so a caller can check the file still holds the spectrum the
/// archive has. A tile-compressed mask is decompressed here, once per reader.
/// </summary>
public sealed class DesiArmReader : IDisposable
{
    private readonly MappedFitsFile _mapped;
    private readonly List<DesiReader.ArmHdus> _arms;
    private readonly BinaryTable _fibermap;

    internal DesiArmReader(string path, DesiArmSource source)
    {
        _mapped = MappedFitsFile.Open(path);
        try
        {
            _fibermap = _mapped.File.Get<BinaryTable>("FIBERMAP");
            _arms = DesiReader.FindArms(_mapped.File, _fibermap.RowCount, resolution: true);
            if (!_arms.Select(a => a.Name).SequenceEqual(source.Arms.Select(a => a.Name)))
                throw new FitsFormatException($"{_mapped.File.Name}: its arms are no longer those it had");
        }
        catch
        {
            _mapped.Dispose();
            throw;
        }
    }

    /// <summary>Whether FIBERMAP row <see cref="DesiArmFibre.Row"/> is still that fibre's target (and exposure).</summary>
    public bool Holds(DesiArmFibre fibre) =>
        fibre.Row < _fibermap.RowCount && _fibermap.GetLong(fibre.Row, "TARGETID") == fibre.TargetId
        && (fibre.ExpId is not long e || (_fibermap.HasColumn("EXPID") && _fibermap.GetLong(fibre.Row, "EXPID") == e));

    /// <summary>
    /// The values of <paramref name="arm"/> for <paramref name="fibre"/>: one array per column of the arm's
    /// <see cref="DesiArmLayout.Columns"/>, each the length <see cref="BinaryTableWriter.WriteColumns"/> takes for a
    /// table of one row per pixel (RESOLUTION: the diagonals of pixel i at i·D … i·D + D − 1).
    /// </summary>
    public Array[] ReadArm(DesiArmFibre fibre, DesiArmLayout arm)
    {
        var a = _arms.Single(x => x.Name == arm.Name);
        int n = a.Wavelength.Length;
        if (n != arm.Pixels || a.Diagonals != arm.Diagonals) throw new FitsFormatException($"{_mapped.File.Name}: arm {arm.Name} is no longer as indexed");
        var hdus = DesiArmSource.HdusOf(_mapped.File, a).ToDictionary(h => h.Name, h => h.Image);
        var values = new Array[arm.Columns.Count];
        for (int c = 0; c < arm.Columns.Count; c++)
        {
            var column = arm.Columns[c];
            var image = hdus.GetValueOrDefault(column.Name) ?? throw new FitsFormatException($"{_mapped.File.Name}: no {arm.Name}_{column.Name} image");
            if (DesiArmSource.ColumnOf(column.Name, DesiArmSource.TypeOf(image), column.Form.Repeat) is var now && (now.Format != column.Format || now.Zero != column.Zero || now.Scale != column.Scale || now.Null != column.Null))
                throw new FitsFormatException($"{_mapped.File.Name}: {arm.Name}_{column.Name} is no longer of the type indexed");
            values[c] = column.Name switch
            {
                "WAVELENGTH" => DesiArmSource.Raw(image, column, 0, n),
                "RESOLUTION" => DesiArmSource.Transposed(DesiArmSource.Raw(image, column, (long)fibre.Row * a.Diagonals * n, a.Diagonals * n), n, a.Diagonals),
                _ => DesiArmSource.Raw(image, column, (long)fibre.Row * n, n),
            };
        }
        return values;
    }

    /// <summary>The merged spectrum of <paramref name="fibre"/>, as ingest's merge makes it (<see cref="DesiFibreSource.Merge"/>).</summary>
    public SpectrumArrays Merge(DesiArmFibre fibre)
    {
        var lattice = DesiArmMerger.Lattice.Of(_arms.Select(a => (a.Name, a.Wavelength)).ToList(), _mapped.File.Name);
        return DesiFibreSource.MergeRow(_arms, lattice, fibre.Row, _arms.All(a => a.Mask is not null), _mapped.File.Name);
    }

    public void Dispose() => _mapped.Dispose();
}

/// <summary>Column layouts from the headers, and raw reads of the images in the columns' types (used by <see cref="DesiArmReader"/> too).</summary>
public sealed partial class DesiArmSource
{
    // ---- layout ----

    /// <summary>An arm's table columns, from the images' headers (a tile-compressed mask's Z keywords: it is not decompressed).</summary>
    private static DesiArmLayout LayoutOf(FitsFile file, DesiReader.ArmHdus a)
    {
        var hdus = new List<(string Name, Hdu Hdu)> { ("WAVELENGTH", file.GetImage(a.Name + "_WAVELENGTH")), ("FLUX", a.Flux), ("IVAR", a.Ivar) };
        if (file.Find(a.Name + "_MASK") is { } mask) hdus.Add(("MASK", mask));
        if (a.Resolution is not null) hdus.Add(("RESOLUTION", a.Resolution));
        var columns = new List<TableColumn>();
        foreach (var (name, hdu) in hdus)
        {
            string? bunit = hdu.Header.GetStringOrNull("BUNIT")?.Trim() is { Length: > 0 } u ? u : null;
            string? unit = name switch
            {
                "WAVELENGTH" => bunit ?? "Angstrom",
                "FLUX" => bunit ?? DesiConventions.FluxUnit,
                _ => bunit,
            };
            columns.Add(ColumnOf(name, TypeOf(hdu), name == "RESOLUTION" ? a.Diagonals : 1) with { Unit = unit });
        }
        return new DesiArmLayout(a.Name, a.Wavelength.Length, a.Wavelength[0], a.Wavelength[^1], a.Diagonals, columns);
    }

    /// <summary>An image's value type: BITPIX, BSCALE, BZERO, BLANK — of a plain image, or from a compressed one's header.</summary>
    internal readonly record struct ImageType(int Bitpix, double BScale, double BZero, long? Blank);

    internal static ImageType TypeOf(Hdu hdu) => hdu switch
    {
        ImageHdu image => new(image.Bitpix, image.BScale, image.BZero, image.Blank),
        BinaryTable t when Compression.CompressedImage.IsCompressedImage(t) && t.Header.GetLongOrNull("ZBITPIX") is long bitpix => new(
            (int)bitpix, t.Header.GetDoubleOrNull("BSCALE") ?? 1.0, t.Header.GetDoubleOrNull("BZERO") ?? 0.0,
            bitpix > 0 ? t.Header.GetLongOrNull("BLANK") ?? t.Header.GetLongOrNull("ZBLANK") : null),
        _ => throw new FitsFormatException($"HDU {hdu.Index} ({hdu.Name}) is not an image"),
    };

    /// <summary>The arm's images by column name, in the column order of the served table (masks decompressed).</summary>
    internal static List<(string Name, ImageHdu Image)> HdusOf(FitsFile file, DesiReader.ArmHdus a)
    {
        var hdus = new List<(string, ImageHdu)> { ("WAVELENGTH", file.GetImage(a.Name + "_WAVELENGTH")), ("FLUX", a.Flux), ("IVAR", a.Ivar) };
        if (a.Mask is not null) hdus.Add(("MASK", a.Mask));
        if (a.Resolution is not null) hdus.Add(("RESOLUTION", a.Resolution));
        return hdus;
    }

    /// <summary>A column holding an image's raw values: its BITPIX as the type letter, its BSCALE/BZERO as TSCAL/TZERO, BLANK as TNULL.</summary>
    internal static TableColumn ColumnOf(string name, ImageType image, int repeat)
    {
        char type = image.Bitpix switch
        {
            8 => 'B', 16 => 'I', 32 => 'J', 64 => 'K', -32 => 'E', -64 => 'D',
            _ => throw new FitsFormatException($"{name}: unsupported BITPIX {image.Bitpix}"),
        };
        var column = new TableColumn(name, repeat.ToString(CultureInfo.InvariantCulture) + type);
        if (image.BScale != 1.0) column = column with { Scale = image.BScale };
        if (image.BZero != 0.0) column = column with { Zero = image.BZero };
        if (image.Blank is long blank) column = column with { Null = blank };
        return column;
    }

    /// <summary>Pixels <paramref name="start"/> … start + count − 1 of an image, undecoded, in the array type the column is written from.</summary>
    internal static Array Raw(ImageHdu image, TableColumn column, long start, int count)
    {
        var bytes = image.Data.Span;
        return (column.Form.Type, column.Unsigned) switch
        {
            ('B', UnsignedConvention.SByte) => Flipped<sbyte>(bytes, start, count),
            ('B', _) => Read<byte>(bytes, start, count),
            ('I', UnsignedConvention.UInt16) => Flipped<ushort>(bytes, start, count),
            ('I', _) => Read<short>(bytes, start, count),
            ('J', UnsignedConvention.UInt32) => Flipped<uint>(bytes, start, count),
            ('J', _) => Read<int>(bytes, start, count),
            ('K', UnsignedConvention.UInt64) => Flipped<ulong>(bytes, start, count),
            ('K', _) => Read<long>(bytes, start, count),
            ('E', _) => Read<float>(bytes, start, count),
            ('D', _) => Read<double>(bytes, start, count),
            _ => throw new FitsFormatException($"HDU {image.Index}: no column type for BITPIX {image.Bitpix}"),
        };
    }

    private static T[] Read<T>(ReadOnlySpan<byte> bytes, long start, int count) where T : unmanaged
    {
        int size = Unsafe.SizeOf<T>();
        var values = GC.AllocateUninitializedArray<T>(count);
        BigEndian.Read(bytes.Slice(checked((int)(start * size)), count * size), values.AsSpan());
        return values;
    }

    /// <summary>
    /// An unsigned-convention image (BZERO 2^31 for uint32…): the raw value with its top bit flipped is the unsigned value,
    /// which the table writer flips back, so the bytes written are the file's.
    /// </summary>
    private static T[] Flipped<T>(ReadOnlySpan<byte> bytes, long start, int count) where T : unmanaged
    {
        var values = Read<T>(bytes, start, count);
        var raw = System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan());
        int size = Unsafe.SizeOf<T>();
        // Native (little-endian) order: the top bit is in each value's last byte.
        int top = BitConverter.IsLittleEndian ? size - 1 : 0;
        for (int i = top; i < raw.Length; i += size) raw[i] ^= 0x80;
        return values;
    }

    /// <summary>DESI's resolution block of one fibre is diagonal-major (D rows of N pixels); the table has one row per pixel.</summary>
    internal static Array Transposed(Array block, int n, int diagonals) => block switch
    {
        float[] f => Transpose(f, n, diagonals),
        double[] d => Transpose(d, n, diagonals),
        short[] s => Transpose(s, n, diagonals),
        int[] i => Transpose(i, n, diagonals),
        long[] l => Transpose(l, n, diagonals),
        byte[] b => Transpose(b, n, diagonals),
        ushort[] us => Transpose(us, n, diagonals),
        uint[] ui => Transpose(ui, n, diagonals),
        ulong[] ul => Transpose(ul, n, diagonals),
        sbyte[] sb => Transpose(sb, n, diagonals),
        _ => throw new InvalidOperationException($"no transpose for {block.GetType().Name}"),
    };

    private static T[] Transpose<T>(T[] block, int n, int diagonals)
    {
        var result = new T[block.Length];
        for (int d = 0; d < diagonals; d++)
            for (int i = 0; i < n; i++) result[i * diagonals + d] = block[d * n + i];
        return result;
    }

    private static readonly string[] GroupKeywords = ["SURVEY", "PROGRAM", "SPGRP", "SPGRPVAL", "HPXPIXEL", "HPXNSIDE", "HPXNEST", "TILEID", "NIGHT"];

    private static FitsHeader GroupCardsOf(FitsHeader primary)
    {
        var cards = new FitsHeader();
        foreach (var k in GroupKeywords)
            if (primary.Find(k) is { } card) cards.Add(card);
        return cards;
    }
}

/// <summary>One target fibre of a DESI file: its FIBERMAP row, TARGETID and, in a spectra-* file, its EXPID.</summary>
public sealed record DesiArmFibre(string ObsId, int Row, long TargetId, long? ExpId);

/// <summary>
/// One arm of a DESI file as the served table has it: its name (B, R, Z), pixels, first and last wavelength (Å),
/// resolution diagonals (0 without a resolution image) and the table's columns (types and units as in the file).
/// </summary>
public sealed record DesiArmLayout(string Name, int Pixels, double WaveMin, double WaveMax, int Diagonals, IReadOnlyList<TableColumn> Columns);
