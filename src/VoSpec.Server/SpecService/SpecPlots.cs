// Why this file exists: the /spec plot calls of Data Lab's specClient (preview, plotGrid, stackedImage; see the
// "Plots" table of docs/spec-service.md). Previews and grid panels come from the archive's PreviewCache with
// DataLink's key scheme, so a spectrum is drawn once whichever service asks; the stacked image's parameters are read
// here and its raster computed and written by StackedImage.
using System.Globalization;
using Microsoft.AspNetCore.Http;
using VoSpec.Archive;
using VoSpec.Core.Faults;
using VoSpec.Engine.Plotting;
using VoSpec.Server.DataLink;
using VoSpec.Server.Formats;

using VoSpec.Server.Access;

namespace VoSpec.Server.SpecService;

public static class SpecPlots
{
    public const string PngType = "image/png";

    /// <summary>Grid panels: the preview thumbnail size (320×200), shared with DataLink's SIZE=thumbnail renders.</summary>
    public static PreviewSize PanelSize => PreviewSize.Thumbnail;
    public static int MaxGridColumns => GridPlot.MaxSide / PanelSize.Width;
    public static int MaxGridRows => GridPlot.MaxSide / PanelSize.Height;
    /// <summary>Most ids in one stacked image (its height is at most 4000 pixels).</summary>
    public const int MaxStackedIds = PreviewSize.Max;
    public const int MaxSide = PreviewSize.Max;
    /// <summary>
    /// A stacked image is as wide as the aligned grid at scale 1: some 4,600 pixels for SDSS, more for a list mixing
    /// surveys, and Data Lab's client always sends xscale=1. Its size is bounded by its pixel count instead.
    /// </summary>
    public const int MaxStackedWidth = 16_384;
    public const long MaxStackedPixels = 16L << 20;
    private static readonly int PanelParallelism = Math.Clamp(Environment.ProcessorCount / 2, 1, 4);
    /// <summary>A stacked image's spectra are normalised on every core (up to 4): no I/O, a few ms of work each.</summary>
    private static readonly int StackParallelism = Math.Clamp(Environment.ProcessorCount, 1, 4);

    /// <summary>GET /spec/preview?id=ID[&amp;size=full|thumbnail|WxH]: the cached PNG of one spectrum (1000×500 by default).</summary>
    public static async Task Preview(HttpContext http, SpectrumArchive archive, PreviewCache cache, SpecParameters p)
    {
        SpecContexts.CheckProfile(p.Get("profile"));
        var context = SpecContexts.Resolve(archive, http.AccessRights(), p.Get("context"));
        var idText = p.Get("id") ?? throw new UserInputException("preview needs id=<specobjid> or id=(plate, mjd, fiberid)");
        var id = SpecId.Parse(idText);
        var size = PreviewSize.Full;
        if (p.Get("size") is { } s && !PreviewSize.TryParse(s, out size))
            throw new UserInputException($"size must be full, thumbnail or WIDTHxHEIGHT ({PreviewSize.Min} to {PreviewSize.Max} pixels a side), not '{s}'");
        var loc = SpectrumResolver.Resolve(archive, context, [id])[0];
        await Previews.SendRendered(http, archive, cache, loc, size);
    }

    /// <summary>
    /// POST /spec/plotGrid: id_list, ncols → one PNG of ncols × ceil(n/ncols) thumbnails, first id top-left. With
    /// getSpec's w0/w1 (and dloglam, resolving_power or dlambda: a named grid), every panel shows its spectrum aligned
    /// on that one grid (<see cref="RetrievalRequest.Span"/>), drawn afresh; otherwise each panel is the cached preview.
    /// </summary>
    public static async Task PlotGrid(HttpContext http, SpectrumArchive archive, PreviewCache cache, SpecServiceLimits limits, SpecParameters p)
    {
        var context = SpecContexts.Resolve(archive, http.AccessRights(), p.Get("context"));
        int columns = Int(p, "ncols", 4, 1, MaxGridColumns);
        var (w0, w1, grid) = RetrievalRequest.Span(p, null, limits.MaxAlignedLength);
        int maxIds = Math.Min(limits.MaxIds, columns * MaxGridRows);
        var ids = ParseIds(p, maxIds, $"a grid of {columns} columns holds at most {columns * MaxGridRows} spectra ({MaxGridRows} rows); page the list");
        var locations = SpectrumResolver.Resolve(archive, context, ids);
        var panels = new byte[locations.Length][];
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = PanelParallelism, CancellationToken = http.RequestAborted };
        if (w0 is not null || w1 is not null)
        {
            var rows = SpectrumRows.Align(archive, locations, [SpecVector.Loglam, SpecVector.Flux, SpecVector.Ivar, SpecVector.AndMask], null, w0, w1, limits.MaxAlignedLength, grid);
            var wavelengths = rows.AlignedGrid!;
            Parallel.For(0, panels.Length, parallel, () => rows.NewBuffers(), (i, _, b) =>
            {
                rows.Fill(i, b);
                panels[i] = SpectrumPlot.RenderPng(new PreviewInput(wavelengths, b.Floats[(int)SpecVector.Flux]!, Previews.Title(archive, locations[i]))
                {
                    Ivar = b.Floats[(int)SpecVector.Ivar]!, AndMask = b.Ints[(int)SpecVector.AndMask]!,
                }, PanelSize);
                return b;
            }, _ => { });
        }
        else
        {
            // Panels render (on a cache miss, ~20 ms each) a few at a time; the cache is thread-safe and renders each key once.
            Parallel.For(0, panels.Length, parallel, i => panels[i] = PanelPng(archive, cache, locations[i]));
        }
        using var png = new MemoryStream();
        GridPlot.Render(panels.Length, columns, PanelSize, i => panels[i], png);
        await WritePng(http, png);
    }

    /// <summary>A thumbnail panel, with DataLink's key scheme (see <see cref="Previews.Render"/>).</summary>
    private static byte[] PanelPng(SpectrumArchive archive, PreviewCache cache, SpectrumLocation loc)
    {
        try { return File.ReadAllBytes(Previews.Render(archive, cache, loc, PanelSize)); }
        catch (IOException e) when (Hosting.StorageFault.Describe(e) is not null) { return Previews.RenderBytes(archive, cache, loc, PanelSize); }
    }

    /// <summary>
    /// POST /spec/stackedImage: one band of rows per spectrum (first id at the bottom), the aligned flux of each
    /// normalised to its own 2nd–98th percentile over valid pixels and mapped through cmap (inverse=True reverses it).
    /// Natural size: the aligned grid's length × xscale wide (at most 16,384, shrunk to that when neither width nor
    /// xscale is given), n × thickness × yscale high (at most 4,000); width/height (pixels, &gt; 0) set a side
    /// outright; at most 16 Mpixels in all.
    /// format=png (default) or numpy/npy: the same raster as float32 values in [0, 1] (NaN: no data), shape (height, width).
    /// w0/w1 (Å) widen the grid to that span; with dloglam or resolving_power beside them the grid is the one they name,
    /// as getSpec's (<see cref="RetrievalRequest"/>).
    /// </summary>
    public static async Task StackedImage(HttpContext http, SpectrumArchive archive, SpecServiceLimits limits, SpecParameters p)
    {
        var context = SpecContexts.Resolve(archive, http.AccessRights(), p.Get("context"));
        var cmapName = p.Get("cmap") ?? "gray";
        var cmap = ColorMap.Find(cmapName) ?? throw new UserInputException($"cmap '{cmapName}' is not served (use {string.Join(", ", ColorMap.Names)})");
        bool npy = ImageFormat(p);
        bool inverse = p.GetBool("inverse", false);
        int thickness = Int(p, "thickness", 1, 1, MaxSide);
        double xscale = Scale(p, "xscale"), yscale = Scale(p, "yscale");
        int? width = OptionalSide(p, "width", MaxStackedWidth), height = OptionalSide(p, "height", MaxSide);
        var (w0, w1, grid) = RetrievalRequest.Span(p, null, limits.MaxAlignedLength);
        var ids = ParseIds(p, Math.Min(limits.MaxIds, MaxStackedIds), $"a stacked image holds at most {MaxStackedIds} spectra");
        var locations = SpectrumResolver.Resolve(archive, context, ids);
        var rows = SpectrumRows.Align(archive, locations, [SpecVector.Loglam, SpecVector.Flux, SpecVector.Ivar], null, w0, w1, limits.MaxAlignedLength, grid);

        int w = width ?? Side(rows.Length * xscale, "width", MaxStackedWidth, p.Get("xscale") is null);
        int h = height ?? Side((double)rows.Count * thickness * yscale, "height", MaxSide, false);
        if ((long)w * h > MaxStackedPixels)
            throw new UserInputException($"the stacked image would be {w} x {h} pixels (at most {MaxStackedPixels / (1 << 20)} Mpixels): lower the scale or give width and height");
        var image = SpecService.StackedImage.Render(rows, w, h, inverse, StackParallelism, http.RequestAborted);
        if (npy)
        {
            http.Response.ContentType = NpyWriter.ContentType;
            http.Response.ContentLength = image.NpyLength;
            await http.Response.StartAsync(http.RequestAborted);
            await image.WriteNpyAsync(http.Response.BodyWriter, http.RequestAborted);
            return;
        }
        using var png = new MemoryStream(image.PngCapacity);
        image.WritePng(cmap, png, StackParallelism);
        await WritePng(http, png);
    }

    /// <summary>stackedImage's format: png (default) or numpy/npy (true).</summary>
    private static bool ImageFormat(SpecParameters p) => p.Get("format")?.ToLowerInvariant() switch
    {
        null or "png" => false,
        "numpy" or "npy" => true,
        var other => throw new UserInputException($"format '{other}' is not served by stackedImage (png or numpy)"),
    };

    // ------------------------------------------------------------------ parameters

    private static List<SpecId> ParseIds(SpecParameters p, int max, string tooMany)
    {
        List<SpecId> ids;
        try { ids = SpecId.ParseList(p.GetAll(SpecParameters.IdListName), max); }
        catch (SpecServiceException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            throw new SpecServiceException(StatusCodes.Status413PayloadTooLarge, $"too many ids: {tooMany}");
        }
        if (ids.Count == 0) throw new UserInputException("id_list is empty: give at least one specobjid or (plate, mjd, fiberid)");
        return ids;
    }

    private static int Int(SpecParameters p, string name, int absent, int min, int max)
    {
        var text = p.Get(name);
        if (text is null) return absent;
        var t = text.EndsWith(".0", StringComparison.Ordinal) ? text[..^2] : text;
        if (!int.TryParse(t, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v) || v < min || v > max)
            throw new UserInputException($"{name} must be an integer from {min} to {max}, not '{text}'");
        return v;
    }

    private static double Scale(SpecParameters p, string name)
    {
        var text = p.Get(name);
        if (text is null) return 1;
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || !double.IsFinite(v) || !(v > 0))
            throw new UserInputException($"{name} must be a positive number, not '{text}'");
        return v;
    }

    /// <summary>width/height: absent, 0 or negative (the client's "unset") → null; else 1..max pixels.</summary>
    private static int? OptionalSide(SpecParameters p, string name, int max)
    {
        var text = p.Get(name);
        if (text is null) return null;
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || !double.IsFinite(v))
            throw new UserInputException($"{name} must be a number of pixels, not '{text}'");
        if (v <= 0) return null;
        int side = (int)Math.Round(v);
        if (side < 1 || side > max) throw new UserInputException($"{name} must be 1 to {max} pixels, not '{text}'");
        return side;
    }

    private static int Side(double natural, string name, int max, bool shrinkToFit)
    {
        int side = (int)Math.Min(int.MaxValue, Math.Max(1, Math.Round(natural)));
        if (side > max && shrinkToFit) return max;
        if (side > max)
            throw new UserInputException($"the stacked image would be {side} pixels in {name} (at most {max}): lower the scale or give {name}");
        return side;
    }

    private static async Task WritePng(HttpContext http, MemoryStream png)
    {
        http.Response.ContentType = PngType;
        http.Response.ContentLength = png.Length;
        await http.Response.Body.WriteAsync(png.GetBuffer().AsMemory(0, (int)png.Length), http.RequestAborted);
    }
}
