using VoSpec.Core.Spectra;

namespace VoSpec.Fits.Desi;

/// <summary>
/// One DESI file kept open (memory-mapped) to serve its fibres' merged spectra from it, so that an archive can record
/// where a spectrum lives instead of copying its pixels (<c>vospec ingest --in-place</c>): the arms' HDUs and the
/// merge lattice are found once per file, and each <see cref="Merge"/> decodes one fibre's rows of the flux, ivar and
/// mask images and merges them exactly as ingest's <see cref="DesiReader"/> does (the same lattice, the same
/// <see cref="DesiArmMerger.Lattice.Merge"/>), so the result equals the copied merge bit for bit.
/// Thread-safe: the map is only read.
/// </summary>
public sealed class DesiFibreSource : IDisposable
{
    private readonly MappedFitsFile _mapped;
    private readonly List<DesiReader.ArmHdus> _arms;
    private readonly DesiArmMerger.Lattice _lattice;
    private readonly bool _masks;

    private DesiFibreSource(MappedFitsFile mapped, List<DesiReader.ArmHdus> arms, DesiArmMerger.Lattice lattice, int rows)
    {
        _mapped = mapped; _arms = arms; _lattice = lattice; Rows = rows;
        _masks = arms.All(a => a.Mask is not null);
    }

    /// <summary>The FIBERMAP's rows (fibres) in the file.</summary>
    public int Rows { get; }

    /// <summary>
    /// Whether a file's fibres can be served from it: a DESI file whose arms' flux and ivar are plain float images and
    /// whose masks (if any) are plain 32-bit images, so that one fibre's row is read without decoding the others. A file
    /// with tile-compressed masks (DESI's spectra-* files) or scaled images is copied instead.
    /// </summary>
    public static bool CanServe(FitsFile file)
    {
        if (!DesiReader.Recognises(file)) return false;
        foreach (var hdu in file.Hdus)
        {
            if (!hdu.Name.EndsWith("_WAVELENGTH", StringComparison.OrdinalIgnoreCase)) continue;
            string arm = hdu.Name[..^"_WAVELENGTH".Length];
            if (file.Find(arm + "_FLUX") is not ImageHdu { Bitpix: -32, BScale: 1.0, BZero: 0.0 }) return false;
            if (file.Find(arm + "_IVAR") is not ImageHdu { Bitpix: -32, BScale: 1.0, BZero: 0.0 }) return false;
            switch (file.Find(arm + "_MASK"))
            {
                case null: break;
                case ImageHdu { Bitpix: 32, BScale: 1.0, BZero: 0.0 or 2147483648.0 }: break;
                default: return false;
            }
        }
        return true;
    }

    /// <summary>Opens <paramref name="path"/> (mapped) and finds its arms and lattice; <see cref="FitsFormatException"/> if it cannot be served.</summary>
    public static DesiFibreSource Open(string path)
    {
        var mapped = MappedFitsFile.Open(path);
        try
        {
            var file = mapped.File;
            if (!CanServe(file)) throw new FitsFormatException($"{file.Name}: not a DESI file whose fibres can be read one by one");
            int rows = file.Get<BinaryTable>("FIBERMAP").RowCount;
            var arms = DesiReader.FindArms(file, rows, resolution: false);
            var lattice = DesiArmMerger.Lattice.Of(arms.Select(a => (a.Name, a.Wavelength)).ToList(), file.Name);
            return new DesiFibreSource(mapped, arms, lattice, rows);
        }
        catch
        {
            mapped.Dispose();
            throw;
        }
    }

    /// <summary>The merged spectrum of FIBERMAP row <paramref name="row"/>: its arrays as ingest's merge makes them.</summary>
    public SpectrumArrays Merge(int row)
    {
        if ((uint)row >= (uint)Rows) throw new FitsFormatException($"{_mapped.File.Name}: no FIBERMAP row {row} (the file has {Rows})");
        return MergeRow(_arms, _lattice, row, _masks, _mapped.File.Name);
    }

    /// <summary>One fibre's rows of every arm's flux, ivar and (when <paramref name="masks"/>) mask images, decoded and merged.</summary>
    internal static SpectrumArrays MergeRow(IReadOnlyList<DesiReader.ArmHdus> arms, DesiArmMerger.Lattice lattice, int row, bool masks, string name)
    {
        var rows = new DesiArmMerger.ArmRow[arms.Count];
        for (int k = 0; k < arms.Count; k++)
        {
            var a = arms[k];
            int n = a.Wavelength.Length;
            long start = (long)row * n;
            var flux = GC.AllocateUninitializedArray<float>(n);
            var ivar = GC.AllocateUninitializedArray<float>(n);
            a.Flux.ReadFloats(start, flux);
            a.Ivar.ReadFloats(start, ivar);
            int[]? mask = null;
            if (masks)
            {
                mask = GC.AllocateUninitializedArray<int>(n);
                if (!a.Mask!.ReadBits32(start, mask)) throw new FitsFormatException($"{name}: {a.Name}_MASK is not a 32-bit mask");
            }
            rows[k] = new DesiArmMerger.ArmRow(flux, ivar, mask, 0);
        }
        return lattice.Merge(rows);
    }

    public void Dispose() => _mapped.Dispose();
}
