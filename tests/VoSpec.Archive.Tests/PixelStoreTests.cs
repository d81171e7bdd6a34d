using Xunit;
using VoSpec.Archive.Pixels;
using VoSpec.Core.Spectra;
using VoSpec.Testing;

namespace VoSpec.Archive.Tests;

public class PixelStoreTests
{
    private static void AssertSameArrays(SpectrumArrays expected, SpectrumArrays actual)
    {
        Assert.Equal(expected.Grid.Count, actual.Grid.Count);
        Assert.Equal(expected.Grid.ToArray(), actual.Grid.ToArray());
        Assert.Equal(expected.Flux, actual.Flux);
        Assert.Equal(expected.Ivar, actual.Ivar);
        Assert.Equal(expected.AndMask, actual.AndMask);
        Assert.Equal(expected.OrMask, actual.OrMask);
        Assert.Equal(expected.WDisp, actual.WDisp);
        Assert.Equal(expected.Sky, actual.Sky);
        Assert.Equal(expected.Model, actual.Model);
    }

    [Theory]
    [InlineData(false, true)]
    [InlineData(true, true)]
    [InlineData(false, false)]
    [InlineData(true, false)]
    public void Records_read_back_bit_identical(bool explicitGrid, bool withOptional)
    {
        using var dir = TestPaths.NewTempDir();
        var path = Path.Combine(dir.Path, "c.px");
        var spectra = Enumerable.Range(1, 20).Select(i => TestSpectra.Make(i, 1, i, 10, 10, npix: 30 + i, explicitGrid, withOptional)).ToList();
        var places = new List<(long, long)>();
        using (var w = new PixelStoreWriter(path, 0))
        {
            foreach (var s in spectra) places.Add(w.Append(s.Arrays, s.Meta.SpecObjId));
            w.Flush();
        }
        using var r = new PixelStoreReader(path);
        for (int i = 0; i < spectra.Count; i++)
        {
            var data = r.Read(places[i].Item1, places[i].Item2);
            Assert.Equal(spectra[i].Meta.SpecObjId, data.SpecId);
            Assert.Equal(0, places[i].Item1 % 8);
            AssertSameArrays(spectra[i].Arrays, data.ToArrays());
        }
    }

    [Fact]
    public void Log_linear_grids_are_stored_as_start_and_step_not_arrays()
    {
        var s = TestSpectra.Make(1, 1, 1, 0, 0, npix: 1000);
        long logLinear = PixelRecordLayout.RecordLength(1000, PixelRecordLayout.FlagsOf(s.Arrays), explicitGrid: false);
        Assert.Equal(PixelRecordLayout.HeaderSize + 6 * 1000 * 4, logLinear);
        var g = Assert.IsType<LogLinearGrid>(new PixelStoreReaderProbe(s).Grid);
        Assert.Equal(((LogLinearGrid)s.Arrays.Grid).Log10Start, g.Log10Start);
    }

    [Fact]
    public void Reader_sees_records_appended_after_it_mapped_the_file()
    {
        using var dir = TestPaths.NewTempDir();
        var path = Path.Combine(dir.Path, "c.px");
        using var w = new PixelStoreWriter(path, 0);
        var a = w.Append(TestSpectra.Make(1, 1, 1, 0, 0).Arrays, 1); w.Flush();
        using var r = new PixelStoreReader(path);
        Assert.Equal(1, r.Read(a.Offset, a.Length).SpecId);
        var b = w.Append(TestSpectra.Make(2, 1, 2, 0, 0).Arrays, 2); w.Flush();
        Assert.Equal(2, r.Read(b.Offset, b.Length).SpecId);
        Assert.Equal(1, r.Read(a.Offset, a.Length).SpecId);
    }

    [Fact]
    public void Reopening_a_writer_drops_an_uncommitted_tail()
    {
        using var dir = TestPaths.NewTempDir();
        var path = Path.Combine(dir.Path, "c.px");
        long committed;
        using (var w = new PixelStoreWriter(path, 0))
        {
            w.Append(TestSpectra.Make(1, 1, 1, 0, 0).Arrays, 1);
            committed = w.Position;
            w.Append(TestSpectra.Make(2, 1, 2, 0, 0).Arrays, 2); // never committed
            w.Flush();
        }
        Assert.True(new FileInfo(path).Length > committed);
        using (var w = new PixelStoreWriter(path, committed)) Assert.Equal(committed, w.Position);
        Assert.Equal(committed, new FileInfo(path).Length);
    }

    [Fact]
    public void A_damaged_record_is_an_error_not_garbage()
    {
        using var dir = TestPaths.NewTempDir();
        var path = Path.Combine(dir.Path, "c.px");
        (long Offset, long Length) a;
        using (var w = new PixelStoreWriter(path, 0)) { a = w.Append(TestSpectra.Make(1, 1, 1, 0, 0).Arrays, 1); w.Flush(); }
        var bytes = File.ReadAllBytes(path); bytes[0] ^= 0xFF; File.WriteAllBytes(path, bytes);
        using var r = new PixelStoreReader(path);
        Assert.Throws<InvalidDataException>(() => r.Read(a.Offset, a.Length));
        Assert.Throws<InvalidDataException>(() => r.Read(0, a.Length + 8));
    }

    /// <summary>Writes one record to a temp file and reads its grid back.</summary>
    private sealed class PixelStoreReaderProbe
    {
        public PixelStoreReaderProbe(Spectrum s)
        {
            using var dir = TestPaths.NewTempDir();
            var path = Path.Combine(dir.Path, "p.px");
            (long, long) place;
            using (var w = new PixelStoreWriter(path, 0)) { place = w.Append(s.Arrays, 1); w.Flush(); }
            using var r = new PixelStoreReader(path);
            Grid = r.Read(place.Item1, place.Item2).Grid;
        }
        public WavelengthGrid Grid { get; }
    }
}
