using VoSpec.Testing;
// Why this file exists: the preview PNG must be a real PNG of the asked size, and its pixels must show the spectrum —
// a line across the plot, the emission line reaching the top, gaps where pixels are masked, the model in colour —
// for any input, however broken, and from many threads at once. Checked by decoding the PNG (PngImage).
using VoSpec.Core.Spectra;
using VoSpec.Engine.Plotting;
using Xunit;

namespace VoSpec.Engine.Tests.Plotting;

public class SpectrumPlotTests
{
    private static PreviewInput Input(SpectrumArrays a, bool model = true) =>
        PreviewInput.From(a, "0266-51602-0003  GALAXY  z = 0.02127") with { Model = model ? a.Model : default };

    private static (byte[] Png, PreviewRenderInfo Info) Render(PreviewInput input, PreviewSize size)
    {
        using var ms = new MemoryStream();
        var info = SpectrumPlot.Render(input, size, ms);
        return (ms.ToArray(), info);
    }

    /// <summary>Columns [x0, x1) of the plot area's interior (2 px inside the frame) holding at least one dark pixel.</summary>
    private static int DarkColumns(PngImage img, PlotArea a, int x0, int x1, int yFrom = -1, int yTo = -1)
    {
        int y0 = yFrom < 0 ? a.Top + 2 : yFrom, y1 = yTo < 0 ? a.Bottom - 2 : yTo;
        int n = 0;
        for (int x = x0; x < x1; x++)
            for (int y = y0; y < y1; y++)
                if (img.IsDark(x, y)) { n++; break; }
        return n;
    }

    // ---------------------------------------------------------------- the PNG itself

    [Theory]
    [InlineData(320, 200)]
    [InlineData(1000, 500)]
    [InlineData(64, 64)]
    [InlineData(4000, 64)]
    [InlineData(641, 379)]
    public void Png_has_the_signature_and_the_requested_size(int width, int height)
    {
        var png = SpectrumPlot.RenderPng(Input(SyntheticSpectra.EmissionLine()), width, height);
        Assert.True(png.AsSpan(0, 8).SequenceEqual(PngImage.Signature));
        Assert.Equal((width, height), PngImage.ReadHeader(png));
        var img = PngImage.Decode(png);   // checks every chunk's CRC, inflates, unfilters
        Assert.Equal(width, img.Width);
        Assert.Equal(height, img.Height);
        Assert.True(img.IsWhite(0, 0) && img.IsWhite(width - 1, height - 1), "the background is white");
    }

    [Fact]
    public void Presets_are_the_documented_sizes()
    {
        Assert.Equal((320, 200), (PreviewSize.Thumbnail.Width, PreviewSize.Thumbnail.Height));
        Assert.Equal((1000, 500), (PreviewSize.Full.Width, PreviewSize.Full.Height));
        Assert.Equal((320, 200), PngImage.ReadHeader(SpectrumPlot.RenderPng(Input(SyntheticSpectra.EmissionLine()), PreviewSize.Thumbnail)));
        Assert.Equal((1000, 500), PngImage.ReadHeader(SpectrumPlot.RenderPng(Input(SyntheticSpectra.EmissionLine()), PreviewSize.Full)));
    }

    [Theory]
    [InlineData(63, 200)]
    [InlineData(320, 63)]
    [InlineData(4001, 500)]
    [InlineData(1000, 4001)]
    [InlineData(0, 0)]
    [InlineData(-5, 100)]
    public void Sizes_out_of_bounds_are_refused(int width, int height)
    {
        var a = SyntheticSpectra.EmissionLine(100);
        Assert.Throws<ArgumentOutOfRangeException>(() => SpectrumPlot.RenderPng(PreviewInput.From(a), width, height));
        Assert.Throws<ArgumentOutOfRangeException>(() => new PreviewSize(width, height));
        Assert.Throws<ArgumentOutOfRangeException>(() => SpectrumPlot.RenderPng(PreviewInput.From(a), default(PreviewSize)));
    }

    [Theory]
    [InlineData("thumbnail", 320, 200)]
    [InlineData("FULL", 1000, 500)]
    [InlineData("640x400", 640, 400)]
    [InlineData(" 64X4000 ", 64, 4000)]
    public void Sizes_parse(string text, int width, int height)
    {
        Assert.True(PreviewSize.TryParse(text, out var size));
        Assert.Equal(new PreviewSize(width, height), size);
        Assert.True(PreviewSize.TryParse(size.ToString(), out var again));
        Assert.Equal(size, again);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("big")]
    [InlineData("63x200")]
    [InlineData("320x4001")]
    [InlineData("320x")]
    [InlineData("x200")]
    [InlineData("-320x200")]
    [InlineData("320x200x3")]
    public void Bad_sizes_do_not_parse(string? text) => Assert.False(PreviewSize.TryParse(text, out _));

    [Fact]
    public void Vectors_of_the_wrong_length_are_a_caller_error()
    {
        var grid = SyntheticSpectra.SdssGrid(100);
        Assert.Throws<ArgumentException>(() => SpectrumPlot.RenderPng(new PreviewInput(grid, new float[99]), PreviewSize.Thumbnail));
        Assert.Throws<ArgumentException>(() => SpectrumPlot.RenderPng(new PreviewInput(grid, new float[100]) { Ivar = new float[3] }, PreviewSize.Thumbnail));
        Assert.Throws<ArgumentException>(() => SpectrumPlot.RenderPng(new PreviewInput(grid, new float[100]) { Model = new float[101] }, PreviewSize.Thumbnail));
        Assert.Throws<ArgumentException>(() => SpectrumPlot.RenderPng(new PreviewInput(grid, new float[100]) { AndMask = new int[1] }, PreviewSize.Thumbnail));
    }

    // ---------------------------------------------------------------- what the pixels show

    [Theory]
    [InlineData(1000, 500)]
    [InlineData(320, 200)]
    [InlineData(2400, 900)]
    [InlineData(100, 80)]
    public void The_plot_area_is_framed_and_the_flux_line_crosses_it(int width, int height)
    {
        var (png, info) = Render(Input(SyntheticSpectra.EmissionLine(), model: false), new PreviewSize(width, height));
        var img = PngImage.Decode(png);
        var a = info.Area;
        Assert.InRange(a.Left, 1, width / 2);
        Assert.InRange(a.Top, 1, height / 2);
        Assert.True(a.Right < width && a.Bottom < height);

        // The frame: one dark line just outside the plot area on all four sides.
        for (int x = a.Left; x < a.Right; x++) { Assert.True(img.IsDark(x, a.Top - 1)); Assert.True(img.IsDark(x, a.Bottom)); }
        for (int y = a.Top; y < a.Bottom; y++) { Assert.True(img.IsDark(a.Left - 1, y)); Assert.True(img.IsDark(a.Right, y)); }

        // The flux: nearly every column inside has line pixels.
        int dark = DarkColumns(img, a, a.Left + 2, a.Right - 2);
        Assert.True(dark >= 0.95 * (a.Width - 4), $"{dark} of {a.Width - 4} columns have line pixels");
        Assert.Equal(4600, info.ValidPixels);
    }

    [Theory]
    [InlineData(1000, 500)]
    [InlineData(320, 200)]
    [InlineData(2400, 900)]
    public void A_strong_narrow_emission_line_reaches_the_top_of_the_plot_where_its_wavelength_is(int width, int height)
    {
        // Low noise, so that only the line (not the noise above the 99.5 percentile) can reach the top band.
        var (png, info) = Render(Input(SyntheticSpectra.EmissionLine(noise: 0.2), model: false), new PreviewSize(width, height));
        var img = PngImage.Decode(png);
        var a = info.Area;
        int topBand = a.Top + Math.Max(3, a.Height / 20);

        // The robust range ignores the line's ~10 pixels: it is clipped, so it runs up to the top edge.
        Assert.True(info.FluxMax < 50, $"flux axis top {info.FluxMax} should follow the continuum, not the 160 peak");
        int lineX = (int)Math.Floor(info.XOf(SyntheticSpectra.HAlpha));
        Assert.True(DarkColumns(img, a, lineX - 2, lineX + 3, a.Top, topBand) > 0, $"no dark pixels near the top at x={lineX} (6563 Å)");

        // ...and only there: elsewhere the top band is empty.
        int elsewhere = DarkColumns(img, a, a.Left + 2, lineX - 4, a.Top, topBand) + DarkColumns(img, a, lineX + 5, a.Right - 2, a.Top, topBand);
        Assert.Equal(0, elsewhere);
    }

    [Fact]
    public void A_few_spikes_do_not_flatten_the_spectrum()
    {
        var a = SyntheticSpectra.EmissionLine();
        var flux = (float[])a.Flux.Clone();
        flux[100] = 1e6f; flux[2000] = -1e6f; flux[3000] = float.MaxValue;
        var (png, info) = Render(new PreviewInput(a.Grid, flux, "spikes"), PreviewSize.Full);
        Assert.InRange(info.FluxMin, 0, 10);
        Assert.InRange(info.FluxMax, 10, 50);
        var img = PngImage.Decode(png);
        // The continuum (7..13) spans a good part of the plot height rather than a flat line.
        int rowsWithLine = 0;
        for (int y = info.Area.Top + 2; y < info.Area.Bottom - 2; y++)
            for (int x = info.Area.Left + 2; x < info.Area.Right - 2; x++)
                if (img.IsDark(x, y)) { rowsWithLine++; break; }
        Assert.True(rowsWithLine > info.Area.Height / 3, $"the line covers only {rowsWithLine} rows");
    }

    [Fact]
    public void Masked_stretches_leave_gaps()
    {
        var a = SyntheticSpectra.EmissionLine();
        var ivar = (float[])a.Ivar!.Clone();
        var andMask = (int[])a.AndMask!.Clone();
        var grid = a.Grid;
        for (int i = 0; i < grid.Count; i++)
        {
            if (grid[i] is > 5000 and < 5300) ivar[i] = 0;                 // ivar == 0
            if (grid[i] is > 8000 and < 8400) andMask[i] = 1 << 24;        // and_mask bit
        }
        var input = new PreviewInput(grid, a.Flux, "masked") { Ivar = ivar, AndMask = andMask, Model = a.Model };
        foreach (var size in new[] { PreviewSize.Full, PreviewSize.Thumbnail })
        {
            var (png, info) = Render(input, size);
            var img = PngImage.Decode(png);
            var area = info.Area;
            foreach (var (lo, hi) in new[] { (5000.0, 5300.0), (8000.0, 8400.0) })
            {
                int x0 = (int)Math.Ceiling(info.XOf(lo)) + 2, x1 = (int)Math.Floor(info.XOf(hi)) - 2;
                Assert.True(x1 - x0 >= 5, $"gap of {x1 - x0} columns is too narrow to test at {size}");
                Assert.Equal(0, DarkColumns(img, area, x0, x1));
                // The model (red) is still drawn across the gap.
                bool red = false;
                for (int x = x0; x < x1 && !red; x++)
                    for (int y = area.Top; y < area.Bottom && !red; y++) red = img.IsRed(x, y);
                Assert.True(red, $"model missing across the masked stretch {lo}-{hi} at {size}");
                // Either side of the gap, the flux is drawn.
                Assert.True(DarkColumns(img, area, x0 - 12, x0 - 4) > 0 && DarkColumns(img, area, x1 + 4, x1 + 12) > 0);
            }
            Assert.True(info.ValidPixels < info.TotalPixels);
        }
    }

    [Fact]
    public void The_model_is_drawn_in_colour()
    {
        var (png, info) = Render(Input(SyntheticSpectra.EmissionLine()), PreviewSize.Full);
        var img = PngImage.Decode(png);
        int redColumns = 0;
        for (int x = info.Area.Left; x < info.Area.Right; x++)
            for (int y = info.Area.Top; y < info.Area.Bottom; y++)
                if (img.IsRed(x, y)) { redColumns++; break; }
        Assert.True(redColumns > 0.8 * info.Area.Width, $"model visible in {redColumns} of {info.Area.Width} columns");
    }

    [Fact]
    public void Downsampling_keeps_a_one_pixel_line_visible()
    {
        // 200,000 pixels into ~300 columns: a single-pixel spike must still reach the top.
        int n = 200_000;
        var grid = new LogLinearGrid(Math.Log10(3800), 2.3e-6, n);
        var flux = new float[n];
        for (int i = 0; i < n; i++) flux[i] = 10 + (i % 7) * 0.1f;
        int spike = 123_457;
        flux[spike] = 500;
        var (png, info) = Render(new PreviewInput(grid, flux), PreviewSize.Thumbnail);
        var img = PngImage.Decode(png);
        int x = (int)Math.Floor(info.XOf(grid[spike]));
        Assert.True(DarkColumns(img, info.Area, x - 1, x + 2, info.Area.Top, info.Area.Top + 4) > 0);
    }

    // ---------------------------------------------------------------- bad input never throws

    public static TheoryData<string> BadInputs => new() { "empty", "all-ivar-zero", "all-masked", "all-nan", "one-pixel", "flat", "infinities", "explicit-grid" };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public void Degenerate_input_renders_without_throwing(string kind)
    {
        var a = SyntheticSpectra.EmissionLine(500);
        int n = a.Count;
        PreviewInput input = kind switch
        {
            "empty" => new PreviewInput(SyntheticSpectra.SdssGrid(0), ReadOnlySpan<float>.Empty, "empty"),
            "all-ivar-zero" => new PreviewInput(a.Grid, a.Flux, "ivar 0") { Ivar = new float[n], Model = a.Model },
            "all-masked" => new PreviewInput(a.Grid, a.Flux, "masked") { AndMask = Enumerable.Repeat(1, n).ToArray() },
            "all-nan" => new PreviewInput(a.Grid, Enumerable.Repeat(float.NaN, n).ToArray(), "nan") { Model = Enumerable.Repeat(float.NaN, n).ToArray() },
            "one-pixel" => new PreviewInput(SyntheticSpectra.SdssGrid(1), [3f], "one"),
            "flat" => new PreviewInput(a.Grid, new float[n], "zeros"),
            "infinities" => new PreviewInput(a.Grid, a.Flux.Select((f, i) => i % 2 == 0 ? float.PositiveInfinity : float.NegativeInfinity).ToArray(), "inf"),
            "explicit-grid" => new PreviewInput(new ExplicitGrid([4000, 4000.5, 4100, 6000]), [1f, float.NaN, 2f, 1.5f], "explicit"),
            _ => throw new ArgumentException(kind),
        };
        foreach (var size in new[] { PreviewSize.Full, PreviewSize.Thumbnail, new PreviewSize(64, 64) })
        {
            var (png, info) = Render(input, size);
            var img = PngImage.Decode(png);
            Assert.Equal((size.Width, size.Height), (img.Width, img.Height));
            Assert.True(img.IsDark(info.Area.Left - 1, info.Area.Top + info.Area.Height / 2), "frame drawn");
            Assert.True(double.IsFinite(info.FluxMin) && double.IsFinite(info.FluxMax) && info.FluxMax > info.FluxMin);
            Assert.True(double.IsFinite(info.WavelengthMin) && info.WavelengthMax > info.WavelengthMin);
            if (kind is "empty" or "all-ivar-zero" or "all-masked" or "all-nan" or "infinities")
            {
                Assert.Equal(0, info.ValidPixels);
                if (size != new PreviewSize(64, 64))
                {
                    // The note is written in the middle of the plot area; nothing else is inside it.
                    int mid = info.Area.Top + info.Area.Height / 2;
                    Assert.True(DarkColumns(img, info.Area, info.Area.Left, info.Area.Right, mid - 12, mid + 12) > 0, "no 'no valid pixels' note");
                }
            }
        }
    }

    [Fact]
    public void Isolated_valid_pixels_still_show()
    {
        var a = SyntheticSpectra.EmissionLine(noise: 0);
        var ivar = new float[a.Count];
        for (int i = 0; i < a.Count; i += 400) ivar[i] = 1;   // every 400th pixel alone between masked ones
        var (png, info) = Render(new PreviewInput(a.Grid, a.Flux) { Ivar = ivar }, PreviewSize.Full);
        var img = PngImage.Decode(png);
        Assert.Equal(12, info.ValidPixels);
        int shown = 0;
        for (int i = 0; i < a.Count; i += 400)
        {
            int x = (int)Math.Floor(info.XOf(a.Grid[i])), y = (int)Math.Floor(info.YOf(a.Flux[i]));
            if (x < info.Area.Right - 1 && DarkColumns(img, info.Area, x, x + 2, Math.Max(info.Area.Top, y - 1), y + 2) > 0) shown++;
        }
        Assert.True(shown >= 11, $"{shown} of 12 isolated pixels visible");
    }

    private sealed class FailingStream : MemoryStream
    {
        public override void Write(ReadOnlySpan<byte> buffer) => throw new IOException("disk full");
    }

    [Fact]
    public void A_failing_output_stream_surfaces_as_an_exception_not_a_crash()
    {
        var a = SyntheticSpectra.EmissionLine();
        var e = Assert.Throws<IOException>(() => SpectrumPlot.Render(PreviewInput.From(a), PreviewSize.Full, new FailingStream()));
        Assert.Contains("disk full", e.Message);
        Assert.Equal((1000, 500), PngImage.ReadHeader(SpectrumPlot.RenderPng(PreviewInput.From(a), PreviewSize.Full)));   // and nothing is left broken
    }

    [Fact]
    public void Titles_from_metadata_and_long_titles_are_shortened_not_fatal()
    {
        var meta = new SpectrumMeta { SpecObjId = 1, Plate = 266, Mjd = 51602, FiberId = 3, Ra = 1, Dec = 2, Z = 0.021266, Class = "GALAXY" };
        Assert.Equal("0266-51602-0003  GALAXY  z = 0.02127", PreviewInput.TitleFor(meta));
        var a = SyntheticSpectra.EmissionLine(300);
        var png = SpectrumPlot.RenderPng(new PreviewInput(a.Grid, a.Flux, new string('W', 2000) + "\U0001F600"), PreviewSize.Thumbnail);
        Assert.Equal((320, 200), PngImage.ReadHeader(png));
        var spectrum = new Spectrum { Meta = meta, Arrays = a };
        Assert.Equal(PreviewInput.TitleFor(meta), PreviewInput.From(spectrum).Title);
    }

    [Fact]
    public void A_cutout_renders_from_spans_without_copying()
    {
        var a = SyntheticSpectra.EmissionLine();
        var range = Cutout.Find(a.Grid, new WavelengthInterval(6400, 6700)).Range;
        var input = PreviewInput.From(new SpectrumCutout(a, range), "cutout") with { Model = default };   // the red model would cover the line's peak
        var (png, info) = Render(input, PreviewSize.Full);
        Assert.InRange(info.WavelengthMin, 6400, 6402);
        Assert.InRange(info.WavelengthMax, 6698, 6700);
        Assert.Equal(range.Count, info.ValidPixels);
        var img = PngImage.Decode(png);
        int x = (int)Math.Floor(info.XOf(SyntheticSpectra.HAlpha));
        Assert.True(DarkColumns(img, info.Area, x - 3, x + 4, info.Area.Top, info.Area.Top + 10) > 0);
    }

    [Fact]
    public void Rendering_is_deterministic()
    {
        var a = SyntheticSpectra.EmissionLine();
        Assert.Equal(SpectrumPlot.RenderPng(Input(a), PreviewSize.Full), SpectrumPlot.RenderPng(Input(a), PreviewSize.Full));
    }

    // ---------------------------------------------------------------- concurrency and speed

    [Fact]
    public void Concurrent_renders_all_succeed_and_agree()
    {
        var a = SyntheticSpectra.EmissionLine();
        var sizes = new[] { PreviewSize.Full, PreviewSize.Thumbnail, new PreviewSize(500, 300) };
        var expected = sizes.Select(s => SpectrumPlot.RenderPng(Input(a), s)).ToArray();
        var failures = new System.Collections.Concurrent.ConcurrentBag<string>();
        var threads = Enumerable.Range(0, 8).Select(t => new Thread(() =>
        {
            try
            {
                for (int k = 0; k < 12; k++)
                {
                    int s = (t + k) % sizes.Length;
                    var png = SpectrumPlot.RenderPng(Input(a), sizes[s]);
                    if (!png.AsSpan().SequenceEqual(expected[s])) failures.Add($"thread {t} render {k}: bytes differ at {sizes[s]}");
                }
            }
            catch (Exception e) { failures.Add($"thread {t}: {e}"); }
        })).ToList();
        threads.ForEach(th => th.Start());
        threads.ForEach(th => th.Join());
        Assert.Empty(failures);
    }
}
