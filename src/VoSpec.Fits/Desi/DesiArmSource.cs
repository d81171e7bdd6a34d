using System.Globalization;
using System.Runtime.CompilerServices;
using VoSpec.Core.Spectra;

namespace VoSpec.Fits.Desi;

/// <summary>
/// One DESI file (coadd or spectra, plain or tile-compressed masks) opened (memory-mapped) to serve one fibre's arms as
/// DESI's pipeline wrote them — issue 15's "the three arms are kept as they are": DataLink offers each arm beside the
/// merged spectrum. The FIBERMAP is read once into an index by obs_id (the names <see cref="DesiReader"/> gives spectra at
/// ingest), and <see cref="ReadArm"/> copies that fibre's row of the arm's WAVELENGTH, FLUX, IVAR, MASK and RESOLUTION
/// images into table columns of the images' own types (BITPIX, BSCALE/BZERO as TSCAL/TZERO), so that the values a
/// reader gets are the file's, bit for bit. <see cref="Merge"/> merges the fibre as ingest did, so a caller can check
/// that the file still holds the spectrum the archive has. Thread-safe: the map is only read.
/// </summary>
public sealed class DesiArmSource : IDisposable
{
    private readonly MappedFitsFile _mapped;
    private readonly List<DesiReader.ArmHdus> _arms;
    private readonly DesiArmMerger.Lattice _lattice;
    private readonly Dictionary<string, DesiArmFibre> _fibres;
    private readonly bool _masks;

    private DesiArmSource(MappedFitsFile mapped, List<DesiReader.ArmHdus> arms, DesiArmMerger.Lattice lattice,
        Dictionary<string, DesiArmFibre> fibres, IReadOnlyList<DesiArmLayout> layouts, FitsHeader groupCards)
    {
        _mapped = mapped; _arms = arms; _lattice = lattice; _fibres = fibres; Arms = layouts; GroupCards = groupCards;
        _masks = arms.All(a => a.Mask is not null);
    }

    /// <summary>The file's name (not its directory).</summary>
    public string FileName => _mapped.File.Name;

    /// <summary>The arms, bluest first (B, R, Z in DESI's files), with the columns each one's table has.</summary>
    public IReadOnlyList<DesiArmLayout> Arms { get; }

    /// <summary>The primary header's cards that say which group of which production the file is (SURVEY, PROGRAM, SPGRP…).</summary>
    public FitsHeader GroupCards { get; }

    /// <summary>The target fibre the archive calls <paramref name="obsId"/>; null when the file holds none of that name.</summary>
    public DesiArmFibre? Find(string obsId) => _fibres.GetValueOrDefault(obsId);

    /// <summary>The arm of that name (case-insensitive); null when the file has none.</summary>
    public DesiArmLayout? Arm(string name) => Arms.FirstOrDefault(a => a.Name.Equals(name, StringComparison.OrdinalIgnoreCase));

    /// <summary>Opens <paramref name="path"/> (mapped) and indexes its target fibres; <see cref="FitsFormatException"/> if it is not a DESI file.</summary>
    public static DesiArmSource Open(string path)
    {
        var mapped = MappedFitsFile.Open(path);
        try
        {
            var file = mapped.File;
            var index = DesiReader.Read(file, resolution: false, arms: false, pixels: false);
            int rows = index.FibreRows;
            var arms = DesiReader.FindArms(file, rows, resolution: true);
            var lattice = DesiArmMerger.Lattice.Of(arms.Select(a => (a.Name, a.Wavelength)).ToList(), file.Name);
            var fibres = new Dictionary<string, DesiArmFibre>(StringComparer.Ordinal);
            foreach (var s in index.Spectra)
                if (s.Merged.Meta.SurveyObsId is { } obsId)
                    fibres[obsId] = new DesiArmFibre(obsId, s.Fibre.Row, s.Fibre.TargetId, index.Kind == DesiFileKind.Spectra ? s.Fibre.ExpId : null);
            var layouts = arms.Select(a => LayoutOf(file, a)).ToList();
            return new DesiArmSource(mapped, arms, lattice, fibres, layouts, GroupCardsOf(file.Primary.Header));
        }
        catch (Exception e) when (e is InvalidOperationException or KeyNotFoundException or OverflowException)
        {
            mapped.Dispose();
            throw new FitsFormatException($"{Path.GetFileName(path)}: not a readable DESI file: {e.Message}", e);
        }
        catch
        {
            mapped.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The values of <paramref name="arm"/> for <paramref name="fibre"/>: one array per column of the arm's
    /// <see cref="DesiArmLayout.Columns"/>, each the length <see cref="BinaryTableWriter.WriteColumns"/> takes for a
    /// table of one row per pixel (RESOLUTION: the diagonals of pixel i at i·D … i·D + D − 1).
    /// </summary>
    public Array[] ReadArm(DesiArmFibre fibre, DesiArmLayout arm)
    {
        var a = _arms.Single(x => x.Name == arm.Name);
        int n = a.Wavelength.Length;
        var hdus = HdusOf(_mapped.File, a).ToDictionary(h => h.Name, h => h.Image);
        var values = new Array[arm.Columns.Count];
        for (int c = 0; c < arm.Columns.Count; c++)
        {
            var column = arm.Columns[c];
            var image = hdus[column.Name];
            values[c] = column.Name switch
            {
                "WAVELENGTH" => Raw(image, column, 0, n),
                "RESOLUTION" => Transposed(Raw(image, column, (long)fibre.Row * a.Diagonals * n, a.Diagonals * n), n, a.Diagonals),
                _ => Raw(image, column, (long)fibre.Row * n, n),
            };
        }
        return values;
    }

    /// <summary>The merged spectrum of <paramref name="fibre"/>, as ingest's merge makes it (<see cref="DesiFibreSource.Merge"/>).</summary>
    public SpectrumArrays Merge(DesiArmFibre fibre) => DesiFibreSource.MergeRow(_arms, _lattice, fibre.Row, _masks, FileName);

    public void Dispose() => _mapped.Dispose();

    // ---- layout ----

    private static DesiArmLayout LayoutOf(FitsFile file, DesiReader.ArmHdus a)
    {
        var hdus = HdusOf(file, a);
        int n = a.Wavelength.Length;
        var columns = new List<TableColumn>();
        foreach (var (name, image) in hdus)
        {
            int repeat = name == "RESOLUTION" ? a.Diagonals : 1;
            string? unit = name switch
            {
                "WAVELENGTH" => image.Header.GetStringOrNull("BUNIT")?.Trim() ?? "Angstrom",
                "FLUX" => image.Header.GetStringOrNull("BUNIT")?.Trim() ?? DesiConventions.FluxUnit,
                _ => image.Header.GetStringOrNull("BUNIT")?.Trim() is { Length: > 0 } u ? u : null,
            };
            columns.Add(ColumnOf(name, image, repeat) with { Unit = unit });
        }
        return new DesiArmLayout(a.Name, n, a.Wavelength[0], a.Wavelength[^1], a.Diagonals, columns);
    }

    /// <summary>The arm's images by column name, in the column order of the served table.</summary>
    private static List<(string Name, ImageHdu Image)> HdusOf(FitsFile file, DesiReader.ArmHdus a)
    {
        var hdus = new List<(string, ImageHdu)> { ("WAVELENGTH", file.GetImage(a.Name + "_WAVELENGTH")), ("FLUX", a.Flux), ("IVAR", a.Ivar) };
        if (a.Mask is not null) hdus.Add(("MASK", a.Mask));
        if (a.Resolution is not null) hdus.Add(("RESOLUTION", a.Resolution));
        return hdus;
    }

    /// <summary>A column holding an image's raw values: its BITPIX as the type letter, its BSCALE/BZERO as TSCAL/TZERO.</summary>
    private static TableColumn ColumnOf(string name, ImageHdu image, int repeat)
    {
        char type = image.Bitpix switch
        {
            8 => 'B', 16 => 'I', 32 => 'J', 64 => 'K', -32 => 'E', -64 => 'D',
            _ => throw new FitsFormatException($"HDU {image.Index}: unsupported BITPIX {image.Bitpix}"),
        };
        var column = new TableColumn(name, repeat.ToString(CultureInfo.InvariantCulture) + type);
        if (image.BScale != 1.0) column = column with { Scale = image.BScale };
        if (image.BZero != 0.0) column = column with { Zero = image.BZero };
        if (image.Blank is long blank) column = column with { Null = blank };
        return column;
    }

    /// <summary>Pixels <paramref name="start"/> … start + count − 1 of an image, undecoded, in the array type the column is written from.</summary>
    private static Array Raw(ImageHdu image, TableColumn column, long start, int count)
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
    private static Array Transposed(Array block, int n, int diagonals) => block switch
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
