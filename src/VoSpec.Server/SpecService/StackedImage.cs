// Why this file exists: stackedImage's raster, apart from its HTTP parameters (SpecPlots): each spectrum's aligned
// flux normalised on its own and binned to the image's width, then written as an indexed PNG through a colour map's
// palette or as the raw values in a .npy file.
using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.InteropServices;
using VoSpec.Engine.Plotting;
using VoSpec.Server.Formats;

namespace VoSpec.Server.SpecService;

/// <summary>
/// One band of rows per spectrum, first spectrum at the bottom: row y of the image shows spectrum
/// (Height − 1 − y) · n / Height. Values are in [0, 1] (reversed when inverse), NaN where a spectrum has no valid
/// pixel in a column.
/// </summary>
public sealed class StackedImage
{
    // Spectrum r's Width binned values (already reversed when inverse) at r · Width: one block instead of an array
    // per spectrum, which cost more in allocation and collections than the binning itself. Not from the shared
    // ArrayPool: blocks of up to 64 MB returned on other threads stayed cached in their thread-local slots.
    private readonly float[] _values;
    private readonly int _count;

    private StackedImage(float[] values, int count, int width, int height)
    {
        _values = values;
        _count = count;
        Width = width;
        Height = height;
    }

    public int Width { get; }
    public int Height { get; }

    /// <summary>Normalises and bins every spectrum of <paramref name="rows"/> (aligned flux and ivar), spectra in parallel.</summary>
    public static StackedImage Render(SpectrumRows rows, int width, int height, bool inverse, int parallelism, CancellationToken ct)
    {
        int n = rows.Count, length = rows.Length;
        var values = GC.AllocateUninitializedArray<float>(checked(n * width));   // every value is written below
        var edges = BinEdges(length, width);
        Parallel.For(0, n, new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = ct },
            () => (Buffers: rows.NewBuffers(), Scratch: new float[ScratchLength(length)], Sums: new double[length + 1], Counts: new int[length + 1]),
            (r, _, local) =>
            {
                rows.Fill(r, local.Buffers);
                var flux = local.Buffers.Floats[(int)SpecVector.Flux]!;
                var ivar = local.Buffers.Floats[(int)SpecVector.Ivar]!;
                var binned = values.AsSpan(r * width, width);
                if (Percentiles(flux, ivar, local.Scratch) is not var (lo, hi)) { binned.Fill(float.NaN); return local; }
                Bin(flux, ivar, lo, hi > lo ? hi - lo : 1, edges, local.Sums, local.Counts, binned);
                if (inverse)
                    for (int x = 0; x < width; x++) binned[x] = 1 - binned[x];   // NaN stays NaN
                return local;
            },
            _ => { });
        return new StackedImage(values, n, width, height);
    }

    private ReadOnlySpan<float> SourceRow(int y) => _values.AsSpan((int)((long)(Height - 1 - y) * _count / Height) * Width, Width);

    /// <summary>An 8-bit indexed PNG: palette index round(v · 255) of <paramref name="cmap"/>; NaN is the map's low end.</summary>
    public void WritePng(ColorMap cmap, Stream output, int parallelism) =>
        PngEncoder.WriteIndexed(Width, Height, cmap.Palette(), (y, indices) =>
        {
            var values = SourceRow(y);
            for (int x = 0; x < indices.Length; x++) indices[x] = ColorMap.Index(values[x]);   // NaN: index 0, inverse or not
        }, output, parallelism);

    /// <summary>A generous size for the PNG's buffer: palette indices hardly compress when the spectra are noisy.</summary>
    public int PngCapacity => (Width + 1) * Height + (Width + 1) * Height / 256 + 4096;

    /// <summary>The .npy body's length in bytes.</summary>
    public long NpyLength => NpyHeader().Length + (long)Width * Height * sizeof(float);

    private byte[] NpyHeader() => NpyWriter.ArrayHeader("<f4", [Height, Width]);

    /// <summary>The values as a float32 .npy array of shape (Height, Width), top row first, written row by row.</summary>
    public async Task WriteNpyAsync(PipeWriter output, CancellationToken ct)
    {
        output.Write(NpyHeader());
        int rowBytes = Width * sizeof(float), pending = 0;
        for (int y = 0; y < Height; y++)
        {
            MemoryMarshal.AsBytes(SourceRow(y)).CopyTo(output.GetSpan(rowBytes));
            output.Advance(rowBytes);
            if ((pending += rowBytes) >= 1 << 20)
            {
                pending = 0;
                if ((await output.FlushAsync(ct)).IsCanceled) return;
            }
        }
        await output.FlushAsync(ct);
    }

    /// <summary>
    /// The 2nd and 98th percentiles of flux over valid pixels (ivar &gt; 0, finite): the values at ranks
    /// floor(0.02·(m−1)) and ceil(0.98·(m−1)) of the m valid values, found without sorting; null when none is valid.
    /// <paramref name="scratch"/> holds at least <see cref="ScratchLength"/>(flux.Length) values.
    /// </summary>
    internal static (float Lo, float Hi)? Percentiles(ReadOnlySpan<float> flux, ReadOnlySpan<float> ivar, Span<float> scratch)
    {
        int count = 0;
        for (int i = 0; i < flux.Length; i++)
            if (float.IsFinite(flux[i]) && ivar[i] > 0) scratch[count++] = flux[i];
        if (count == 0) return null;
        var valid = scratch[..count];
        int kLo = (int)(0.02 * (count - 1)), kHi = (int)Math.Ceiling(0.98 * (count - 1));
        // Both ranks lie within 2 % of an end: keep the few smallest (largest) values seen in a heap, in the
        // spare end of scratch, instead of sorting or partitioning all of them.
        var heap = scratch[count..];
        return (Ranked(valid, kLo, 1, heap), Ranked(valid, count - 1 - kHi, -1, heap));
    }

    /// <summary>Room for the valid values and a heap of 2 % of them (plus one).</summary>
    internal static int ScratchLength(int pixels) => pixels + pixels / 50 + 2;

    /// <summary>
    /// The value of 0-based rank <paramref name="k"/> among <paramref name="values"/> in ascending order (sign 1) or
    /// descending order (sign −1): a max-heap of the k + 1 first values in that order, in <paramref name="heap"/>
    /// (room for k + 1 values).
    /// </summary>
    internal static float Ranked(ReadOnlySpan<float> values, int k, float sign, Span<float> heap)
    {
        int size = 0, keep = k + 1;
        foreach (float value in values)
        {
            float v = sign * value;
            if (size < keep)
            {
                // sift up
                int i = size++;
                while (i > 0 && heap[(i - 1) >> 1] < v) { heap[i] = heap[(i - 1) >> 1]; i = (i - 1) >> 1; }
                heap[i] = v;
            }
            else if (v < heap[0])
            {
                // replace the largest kept value, sift down
                int i = 0;
                while (true)
                {
                    int c = 2 * i + 1;
                    if (c >= size) break;
                    if (c + 1 < size && heap[c + 1] > heap[c]) c++;
                    if (heap[c] <= v) break;
                    heap[i] = heap[c];
                    i = c;
                }
                heap[i] = v;
            }
        }
        return sign * heap[0];
    }

    /// <summary>
    /// Where each of <paramref name="width"/> equal bins over <paramref name="pixels"/> starts (bin x: edges[x] to
    /// edges[x + 1]), the same for every spectrum: computed once, as 64-bit divisions per bin and spectrum were most of
    /// the binning's time.
    /// </summary>
    internal static int[] BinEdges(int pixels, int width)
    {
        var edges = new int[width + 1];
        for (int x = 0; x <= width; x++) edges[x] = (int)((long)x * pixels / width);
        return edges;
    }

    /// <summary>
    /// Each bin of <paramref name="edges"/> (at least one pixel: the nearest when upsampling): the mean over its valid
    /// pixels of flux mapped to [0, 1] by (flux − lo) / span, clamped; NaN when it has none. Through running sums
    /// (in <paramref name="sums"/> and <paramref name="counts"/>, flux.Length + 1 each), so that every bin costs the
    /// same few steps whatever its width, without a branch per pixel.
    /// </summary>
    internal static void Bin(ReadOnlySpan<float> flux, ReadOnlySpan<float> ivar, float lo, float span, ReadOnlySpan<int> edges,
        Span<double> sums, Span<int> counts, Span<float> result)
    {
        int n = flux.Length;
        float scale = 1f / span;
        sums[0] = 0;
        counts[0] = 0;
        for (int k = 0; k < n; k++)
        {
            float f = flux[k];
            bool valid = float.IsFinite(f) && ivar[k] > 0;
            sums[k + 1] = sums[k] + (valid ? Math.Clamp((f - lo) * scale, 0f, 1f) : 0f);
            counts[k + 1] = counts[k] + (valid ? 1 : 0);
        }
        for (int x = 0; x < result.Length; x++)
        {
            int a = Math.Min(edges[x], n - 1), b = Math.Min(n, Math.Max(a + 1, edges[x + 1]));
            int count = counts[b] - counts[a];
            result[x] = count > 0 ? (float)((sums[b] - sums[a]) / count) : float.NaN;
        }
    }
}
