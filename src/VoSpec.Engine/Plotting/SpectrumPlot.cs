// Why this file exists: DataLink #preview and the spec service's preview/plotGrid need a PNG of a spectrum —
// flux (broken across masked pixels) and model against wavelength, on readable 1-2-5 axes with a robust flux range —
// drawn with Cairo (the only graphics library available) fast enough to render on demand.
using System.Buffers;

namespace VoSpec.Engine.Plotting;

/// <summary>
/// Renders spectrum previews as PNG. Stateless and safe to call from many threads at once: every render owns its
/// Cairo surface and context. Never throws for bad data (empty, all-masked, NaN, extreme values): such inputs get the
/// frame and a "no valid pixels" note. Throws only for caller errors: an out-of-range size
/// (<see cref="ArgumentOutOfRangeException"/>) or vectors whose lengths differ from the grid's (<see cref="ArgumentException"/>).
/// </summary>
public static class SpectrumPlot
{
    /// <summary>Changes whenever the drawing changes, so cached renders of an older look are not reused.</summary>
    public const string Version = "1";

    public const string FontFamily = "DejaVu Sans";
    public const string XAxisTitle = "Wavelength (Å)";
    public const string YAxisTitle = "Flux (10⁻¹⁷ erg s⁻¹ cm⁻² Å⁻¹)";
    public const string NoValidPixelsNote = "no valid pixels";

    /// <summary>The flux axis spans these percentiles of the unmasked flux (plus padding), so a few spikes do not flatten the spectrum.</summary>
    public const double LowPercentile = 0.5, HighPercentile = 99.5;

    /// <summary>Flux with at least this many valid pixels per plot column is drawn without antialiasing.</summary>
    private const double DenseColumnFactor = 1.5;

    public static byte[] RenderPng(PreviewInput input, int width, int height) => RenderPng(input, new PreviewSize(width, height));

    public static byte[] RenderPng(PreviewInput input, PreviewSize size)
    {
        using var buffer = new MemoryStream(size.Width * size.Height / 8 + 4096);
        Render(input, size, buffer);
        return buffer.ToArray();
    }

    /// <summary>Writes the PNG to <paramref name="output"/> (streamed as Cairo encodes it) and says where things went.</summary>
    public static PreviewRenderInfo Render(PreviewInput input, PreviewSize size, Stream output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (!PreviewSize.IsValid(size.Width, size.Height))
            throw new ArgumentOutOfRangeException(nameof(size), size, $"preview size must be {PreviewSize.Min}..{PreviewSize.Max} pixels on each side");
        var grid = input.Grid ?? throw new ArgumentException("the preview input has no wavelength grid", nameof(input));
        int n = grid.Count;
        CheckLength(input.Flux.Length, n, "flux");
        CheckOptionalLength(input.Model.Length, n, "model");
        CheckOptionalLength(input.Ivar.Length, n, "ivar");
        CheckOptionalLength(input.AndMask.Length, n, "and_mask");

        double[] lambda = ArrayPool<double>.Shared.Rent(Math.Max(n, 1));
        double[] xs = ArrayPool<double>.Shared.Rent(Math.Max(n, 1));
        bool[] ok = ArrayPool<bool>.Shared.Rent(Math.Max(n, 1));
        try
        {
            // ---- data: wavelengths, validity, ranges
            var lam = lambda.AsSpan(0, n);
            for (int i = 0; i < n; i++) lam[i] = grid[i];
            var valid = ok.AsSpan(0, n);
            int validCount = MarkValid(lam, input.Flux, input.Ivar, input.AndMask, valid);
            var (lamMin, lamMax, hasX) = WavelengthRange(lam);
            var (fluxMin, fluxMax) = validCount > 0 ? FluxRange(input.Flux, valid, validCount) : (0.0, 1.0);

            using var surface = Cairo.ImageSurfaceCreate(Cairo.FormatRgb24, size.Width, size.Height);
            Cairo.ThrowIfError(surface);
            PreviewRenderInfo info;
            using (var cr = Cairo.Create(surface))
            {
                Cairo.ThrowIfError(cr);
                var style = Style.For(size);
                Cairo.SelectFontFace(cr, FontFamily, Cairo.FontSlantNormal, Cairo.FontWeightNormal);

                // ---- layout: top/bottom first (they fix the plot height, hence the y ticks, whose labels fix the left margin)
                bool hasTitle = style.Text && !string.IsNullOrWhiteSpace(input.Title);
                int top = (int)Math.Round(style.Pad + (hasTitle ? style.TitleFont * 1.45 : style.Text ? style.TickFont * 0.7 : 0));
                int bottom = (int)Math.Round(style.Pad + (style.Text ? style.TickLength + style.TickFont * 1.45 : 0)
                                             + (style.AxisTitles ? style.AxisTitleFont * 1.55 : 0));
                int right = (int)Math.Round(style.Pad + (style.Text ? style.TickFont * 1.8 : 0));
                int plotHeight = Math.Max(8, size.Height - top - bottom);

                double[] yTicks = [];
                double yStep = 0;
                double yLabelWidth = 0, yMagnitude = 0;
                if (style.Text && validCount > 0)
                {
                    yTicks = AxisTicks.Nice(fluxMin, fluxMax, Math.Max(2, (int)(plotHeight / (style.TickFont * 3.2))));
                    yStep = yTicks.Length > 1 ? yTicks[1] - yTicks[0] : AxisTicks.NiceStep((fluxMax - fluxMin) / 2);
                    Cairo.SetFontSize(cr, style.TickFont);
                    yMagnitude = yTicks.Length > 0 ? Math.Max(Math.Abs(yTicks[0]), Math.Abs(yTicks[^1])) : 0;
                    foreach (var t in yTicks) yLabelWidth = Math.Max(yLabelWidth, TextWidth(cr, AxisTicks.Label(t, yStep, yMagnitude)));
                }
                int left = (int)Math.Round(style.Pad + (style.AxisTitles ? style.AxisTitleFont * 1.55 : 0)
                                           + (style.Text ? Math.Max(yLabelWidth, style.TickFont * 1.5) + style.TickLength + style.TickFont * 0.4 : 0));
                int plotWidth = Math.Max(8, size.Width - left - right);
                var area = new PlotArea(left, top, plotWidth, plotHeight);

                info = new PreviewRenderInfo
                {
                    Size = size, Area = area,
                    WavelengthMin = lamMin, WavelengthMax = lamMax, FluxMin = fluxMin, FluxMax = fluxMax,
                    ValidPixels = validCount, TotalPixels = n,
                };

                double[] xTicks = [];
                double xStep = 0;
                if (style.Text && hasX) (xTicks, xStep) = ChooseXTicks(cr, style, lamMin, lamMax, plotWidth);

                // ---- background and grid lines
                Cairo.SetSourceRgb(cr, 1, 1, 1);
                Cairo.Paint(cr);
                if (style.GridLines)
                {
                    Cairo.SetSourceRgb(cr, 0.91, 0.91, 0.91);
                    Cairo.SetLineWidth(cr, 1);
                    foreach (var t in xTicks) { double x = Crisp(info.XOf(t)); Cairo.MoveTo(cr, x, top); Cairo.LineTo(cr, x, top + plotHeight); }
                    foreach (var t in yTicks) { double y = Crisp(info.YOf(t)); Cairo.MoveTo(cr, left, y); Cairo.LineTo(cr, left + plotWidth, y); }
                    Cairo.Stroke(cr);
                }

                // ---- data, clipped to the plot area
                if (n > 0)
                {
                    var x = xs.AsSpan(0, n);
                    double xScale = plotWidth / (lamMax - lamMin);
                    for (int i = 0; i < n; i++) x[i] = left + (lam[i] - lamMin) * xScale;
                    var map = new YMap(top, plotHeight, fluxMin, fluxMax);

                    Cairo.Save(cr);
                    Cairo.Rectangle(cr, left, top, plotWidth, plotHeight);
                    Cairo.Clip(cr);
                    Cairo.SetLineJoin(cr, Cairo.LineJoinBevel);
                    Cairo.SetLineCap(cr, Cairo.LineCapButt);
                    if (validCount > 0)
                    {
                        // Dense flux (several pixels per column) is a near-vertical zig-zag: antialiasing it costs
                        // ~10x more (≈25 ms at 1000×500) and shows no difference, so only sparse flux is antialiased.
                        bool dense = validCount >= DenseColumnFactor * plotWidth;
                        Cairo.SetSourceRgb(cr, 0.10, 0.10, 0.13);
                        Cairo.SetLineWidth(cr, style.LineWidth);
                        if (dense) Cairo.SetAntialias(cr, Cairo.AntialiasNone);
                        Trace(cr, x, input.Flux, valid, map);
                        Cairo.Stroke(cr);
                        if (dense) Cairo.SetAntialias(cr, Cairo.AntialiasDefault);

                        if (!input.Model.IsEmpty)
                        {
                            var model = input.Model;
                            for (int i = 0; i < n; i++) valid[i] = double.IsFinite(lam[i]) && float.IsFinite(model[i]);
                            Cairo.SetSourceRgba(cr, 0.86, 0.18, 0.10, 0.9);
                            Cairo.SetLineWidth(cr, style.ModelWidth);
                            Trace(cr, x, model, valid, map);
                            Cairo.Stroke(cr);
                        }
                    }
                    Cairo.Restore(cr);
                }

                // ---- frame and ticks
                Cairo.SetSourceRgb(cr, 0.15, 0.15, 0.15);
                Cairo.SetLineWidth(cr, 1);
                Cairo.Rectangle(cr, left - 0.5, top - 0.5, plotWidth + 1, plotHeight + 1);
                Cairo.Stroke(cr);
                if (style.Text)
                {
                    foreach (var t in xTicks) { double xt = Crisp(info.XOf(t)); Cairo.MoveTo(cr, xt, top + plotHeight); Cairo.LineTo(cr, xt, top + plotHeight + style.TickLength); }
                    foreach (var t in yTicks) { double yt = Crisp(info.YOf(t)); Cairo.MoveTo(cr, left, yt); Cairo.LineTo(cr, left - style.TickLength, yt); }
                    Cairo.Stroke(cr);

                    // ---- labels
                    Cairo.SetSourceRgb(cr, 0.1, 0.1, 0.1);
                    Cairo.SetFontSize(cr, style.TickFont);
                    double xLabelBaseline = top + plotHeight + style.TickLength + style.TickFont * 1.1;
                    foreach (var t in xTicks)
                        ShowCentred(cr, AxisTicks.Label(t, xStep, lamMax), info.XOf(t), xLabelBaseline);
                    foreach (var t in yTicks)
                    {
                        string label = AxisTicks.Label(t, yStep, yMagnitude);
                        Cairo.MoveTo(cr, left - style.TickLength - style.TickFont * 0.3 - TextWidth(cr, label), info.YOf(t) + style.TickFont * 0.36);
                        Cairo.ShowText(cr, label);
                    }

                    if (style.AxisTitles)
                    {
                        Cairo.SetFontSize(cr, style.AxisTitleFont);
                        ShowCentred(cr, XAxisTitle, left + plotWidth / 2.0, size.Height - style.Pad - style.AxisTitleFont * 0.3);
                        string yTitle = Fit(cr, YAxisTitle, plotHeight + top * 0.8);
                        Cairo.Save(cr);
                        Cairo.Translate(cr, style.Pad + style.AxisTitleFont * 0.95, top + plotHeight / 2.0);
                        Cairo.Rotate(cr, -Math.PI / 2);
                        ShowCentred(cr, yTitle, 0, 0);
                        Cairo.Restore(cr);
                    }

                    if (hasTitle)
                    {
                        Cairo.SelectFontFace(cr, FontFamily, Cairo.FontSlantNormal, Cairo.FontWeightBold);
                        Cairo.SetFontSize(cr, style.TitleFont);
                        string title = Fit(cr, input.Title.Trim(), size.Width - 2 * style.Pad);
                        double w = TextWidth(cr, title);
                        double cx = Math.Clamp(left + plotWidth / 2.0, style.Pad + w / 2, size.Width - style.Pad - w / 2);
                        ShowCentred(cr, title, cx, style.Pad + style.TitleFont * 0.95);
                        Cairo.SelectFontFace(cr, FontFamily, Cairo.FontSlantNormal, Cairo.FontWeightNormal);
                    }

                    if (validCount == 0)
                    {
                        Cairo.SetSourceRgb(cr, 0.35, 0.35, 0.35);
                        Cairo.SetFontSize(cr, style.TickFont * 1.2);
                        ShowCentred(cr, Fit(cr, NoValidPixelsNote, plotWidth - 4), left + plotWidth / 2.0, top + plotHeight / 2.0 + style.TickFont * 0.4);
                    }
                }
                Cairo.ThrowIfError(cr);
                }
            Cairo.WritePng(surface, output);
            
            return info;
        }
        finally
        {
            ArrayPool<double>.Shared.Return(lambda);
            ArrayPool<double>.Shared.Return(xs);
            ArrayPool<bool>.Shared.Return(ok);
        }
    }

    /// <summary>Renders one small preview so fontconfig and Cairo's caches are loaded before the first real request.</summary>
    public static void Warmup()
    {
        var grid = new VoSpec.Core.Spectra.LogLinearGrid(3.6, 1e-4, 16);
        Span<float> flux = stackalloc float[16];
        for (int i = 0; i < flux.Length; i++) flux[i] = i % 3;
        RenderPng(new PreviewInput(grid, flux, "warm-up"), PreviewSize.Thumbnail);
    }

    // ---------------------------------------------------------------- data

    private static void CheckLength(int length, int n, string name)
    {
        if (length != n) throw new ArgumentException($"{name} has {length} pixels but the wavelength grid has {n}", "input");
    }

    private static void CheckOptionalLength(int length, int n, string name)
    {
        if (length != 0) CheckLength(length, n, name);
    }

    private static int MarkValid(ReadOnlySpan<double> lam, ReadOnlySpan<float> flux, ReadOnlySpan<float> ivar, ReadOnlySpan<int> andMask, Span<bool> valid)
    {
        int count = 0;
        for (int i = 0; i < valid.Length; i++)
        {
            bool v = double.IsFinite(lam[i]) && float.IsFinite(flux[i])
                     && (ivar.IsEmpty || ivar[i] > 0)          // NaN and negative ivar are as good as 0
                     && (andMask.IsEmpty || andMask[i] == 0);
            valid[i] = v;
            if (v) count++;
        }
        return count;
    }

    private static (double Min, double Max, bool Ok) WavelengthRange(ReadOnlySpan<double> lam)
    {
        double lo = double.PositiveInfinity, hi = double.NegativeInfinity;
        foreach (var l in lam)
            if (double.IsFinite(l)) { if (l < lo) lo = l; if (l > hi) hi = l; }
        if (!(hi >= lo)) return (0, 1, false);
        if (hi == lo) { double d = Math.Max(Math.Abs(lo) * 1e-3, 1); return (lo - d, hi + d, true); }
        return (lo, hi, true);
    }

    /// <summary>The robust flux range: the 0.5 and 99.5 percentiles of the unmasked flux, padded 6 % below and 10 % above.</summary>
    private static (double Min, double Max) FluxRange(ReadOnlySpan<float> flux, ReadOnlySpan<bool> valid, int validCount)
    {
        float[] buffer = ArrayPool<float>.Shared.Rent(validCount);
        try
        {
            var v = buffer.AsSpan(0, validCount);
            int k = 0;
            for (int i = 0; i < flux.Length; i++) if (valid[i]) v[k++] = flux[i];
            v.Sort();
            double lo = Percentile(v, LowPercentile / 100), hi = Percentile(v, HighPercentile / 100);
            double span = hi - lo;
            if (!(span > Math.Max(Math.Abs(hi), Math.Abs(lo)) * 1e-6))
            {
                // Flat (or single-pixel) flux: centre it.
                double mid = (hi + lo) / 2;
                double half = mid != 0 ? Math.Abs(mid) * 0.1 : 1;
                return (mid - half, mid + half);
            }
            return (lo - 0.06 * span, hi + 0.10 * span);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(buffer);
        }
    }

    private static double Percentile(ReadOnlySpan<float> sorted, double p)
    {
        double pos = p * (sorted.Length - 1);
        int i = (int)Math.Floor(pos);
        if (i >= sorted.Length - 1) return sorted[^1];
        double f = pos - i;
        return sorted[i] + f * ((double)sorted[i + 1] - sorted[i]);
    }

    /// <summary>Flux → device y, clamped far outside the plot (the clip hides it) so Cairo's 24.8 fixed point never overflows.</summary>
    private readonly struct YMap(double top, double height, double fluxMin, double fluxMax)
    {
        private readonly double _scale = height / (fluxMax - fluxMin);
        private readonly double _lo = top - 100_000, _hi = top + height + 100_000;
        public double Y(float v) => Math.Clamp(top + (fluxMax - v) * _scale, _lo, _hi);
    }

    /// <summary>
    /// Adds the polyline of the valid pixels to the path, lifting the pen at every invalid one. Pixels sharing a device
    /// column are reduced to first, min, max, last (in pixel order), so a narrow emission line survives at any width
    /// and the path has at most ~4 points per column however many pixels the spectrum has.
    /// </summary>
    private static void Trace(ContextHandle cr, ReadOnlySpan<double> x, ReadOnlySpan<float> values, ReadOnlySpan<bool> valid, YMap map)
    {
        var column = new ColumnReducer(cr);
        int current = int.MinValue;
        for (int i = 0; i < values.Length; i++)
        {
            if (!valid[i])
            {
                column.Flush();
                column.PenUp();
                current = int.MinValue;
                continue;
            }
            int c = (int)Math.Floor(x[i]);
            if (c != current) { column.Flush(); current = c; }
            column.Add(i, x[i], map.Y(values[i]));
        }
        column.Flush();
        column.PenUp();
    }

    private ref struct ColumnReducer(ContextHandle cr)
    {
        private bool _penDown;
        private int _count;
        private double _firstX, _firstY, _lastX, _lastY, _minY, _maxY;
        private int _minI, _maxI;
        private int _points;
        private double _dotX, _dotY;
        private bool _pending;
        private double _pendingX, _pendingY;

        public void Add(int i, double x, double y)
        {
            if (_count == 0) { _firstX = x; _firstY = y; _minY = _maxY = y; _minI = _maxI = i; }
            if (y < _minY) { _minY = y; _minI = i; }
            if (y > _maxY) { _maxY = y; _maxI = i; }
            _lastX = x; _lastY = y;
            _count++;
        }

        /// <summary>Ends the polyline; one that is a single point (an isolated valid pixel) becomes a 1-px dash, so it shows.</summary>
        public void PenUp()
        {
            if (_penDown && _pending) Emit(_pendingX, _pendingY);
            if (_penDown && _points == 1) Cairo.LineTo(cr, _dotX + 1, _dotY);
            _penDown = false;
            _pending = false;
        }

        public void Flush()
        {
            if (_count == 0) return;
            Emit(_firstX, _firstY);
            // The extremes only matter when they stick out of the first–last span (noise, lines); a smooth stretch
            // (a model) then costs one point per column, or two where it is steep.
            const double slack = 0.5;
            bool extremes = _count > 2 && (_minY < Math.Min(_firstY, _lastY) - slack || _maxY > Math.Max(_firstY, _lastY) + slack);
            if (extremes)
            {
                double cx = Math.Floor(_firstX) + 0.5;
                if (_minI <= _maxI) { Emit(cx, _minY); Emit(cx, _maxY); }
                else { Emit(cx, _maxY); Emit(cx, _minY); }
            }
            if (_count > 1 && (extremes || Math.Abs(_lastY - _firstY) > slack)) Emit(_lastX, _lastY);
            else if (_count > 1) { _pending = true; _pendingX = _lastX; _pendingY = _lastY; }   // drawn if the line ends here
            _count = 0;
        }

        private void Emit(double x, double y)
        {
            _pending = false;
            if (_penDown) { Cairo.LineTo(cr, x, y); _points++; }
            else { Cairo.MoveTo(cr, x, y); _penDown = true; _points = 1; _dotX = x; _dotY = y; }
        }
    }

    // ---------------------------------------------------------------- layout and text

    private sealed record Style(double TickFont, double TitleFont, double AxisTitleFont, bool Text, bool AxisTitles, bool GridLines,
                                double LineWidth, double ModelWidth, double TickLength, double Pad)
    {
        public static Style For(PreviewSize s)
        {
            if (s.Width >= 480 && s.Height >= 280)
            {
                double k = Math.Clamp(Math.Min(s.Width / 1000.0, s.Height / 500.0), 1, 3);
                return new(12 * k, 15 * k, 13 * k, true, true, true, 1.0 * k, 1.3 * k, 5 * k, 8 * k);
            }
            if (s.Width >= 160 && s.Height >= 110)
                return new(9, 10, 0, true, false, false, 1.0, 1.1, 3, 4);
            return new(0, 0, 0, false, false, false, 1.0, 1.0, 0, 3);   // tiny: frame and lines only
        }
    }

    /// <summary>The densest 1-2-5 wavelength ticks whose labels do not crowd each other.</summary>
    private static (double[] Ticks, double Step) ChooseXTicks(ContextHandle cr, Style style, double lo, double hi, int plotWidth)
    {
        Cairo.SetFontSize(cr, style.TickFont);
        double gap = style.TickFont * 1.6;
        int maxCount = Math.Max(2, (int)(plotWidth / (style.TickFont * 4.5)));
        double step = AxisTicks.NiceStep((hi - lo) / maxCount);
        for (int attempt = 0; attempt < 40; attempt++, step = AxisTicks.NextStep(step))
        {
            var ticks = AxisTicks.InRange(lo, hi, step);
            if (ticks.Length == 0) continue;
            double widest = 0;
            foreach (var t in ticks) widest = Math.Max(widest, TextWidth(cr, AxisTicks.Label(t, step, Math.Max(Math.Abs(lo), Math.Abs(hi)))));
            if (ticks.Length <= 1 || (ticks[1] - ticks[0]) * plotWidth / (hi - lo) >= widest + gap)
                return (ticks, step);
        }
        return ([], 0);
    }

    private static double Crisp(double v) => Math.Floor(v) + 0.5;

    private static double TextWidth(ContextHandle cr, string text)
    {
        Cairo.TextExtentsOf(cr, text, out var e);
        return e.XAdvance;
    }

    private static void ShowCentred(ContextHandle cr, string text, double cx, double baseline)
    {
        Cairo.MoveTo(cr, cx - TextWidth(cr, text) / 2, baseline);
        Cairo.ShowText(cr, text);
    }

    /// <summary>The text, shortened with "…" to fit <paramref name="maxWidth"/> in the current font.</summary>
    private static string Fit(ContextHandle cr, string text, double maxWidth)
    {
        if (TextWidth(cr, text) <= maxWidth) return text;
        int lo = 0, hi = text.Length;   // the longest prefix that fits, by bisection
        while (lo < hi)
        {
            int mid = (lo + hi + 1) / 2;
            if (TextWidth(cr, Prefix(text, mid) + "…") <= maxWidth) lo = mid; else hi = mid - 1;
        }
        return lo == 0 ? "" : Prefix(text, lo) + "…";
    }

    private static string Prefix(string text, int length)
    {
        if (length > 0 && length < text.Length && char.IsHighSurrogate(text[length - 1])) length--;
        return text[..length].TrimEnd();
    }
}

