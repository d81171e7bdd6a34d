using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.Json;

namespace VoSpec.Core.Sky;

/// <summary>
/// A spatial HEALPix Multi-Order Coverage map (IVOA MOC 2.0, S-MOC): the sky a collection covers, as Aladin, TOPCAT
/// and the registry read it. Held as sorted, disjoint, non-adjacent ranges [start, end) of order-29 NESTED cells,
/// each aligned to <see cref="MaxOrder"/>, so that equal coverages are equal objects and union is a linear merge.
/// Immutable; the multi-order cells, NUNIQ values and the ASCII and JSON forms are all derived from the ranges.
/// </summary>
public sealed class Moc : IEquatable<Moc>
{
    private const int Depth = Healpix.MaxOrder;
    private const ulong AllCells = 12UL << (2 * Depth);

    // Flat pairs: start0, end0, start1, end1, … (order-29 cell numbers).
    private readonly ulong[] _ranges;

    private Moc(int maxOrder, ulong[] ranges) { MaxOrder = maxOrder; _ranges = ranges; }

    /// <summary>The MOC's resolution: no cell is deeper, and the serialisations declare it.</summary>
    public int MaxOrder { get; }

    /// <summary>The ranges [Start, End) of order-29 NESTED cells, sorted, disjoint and non-adjacent.</summary>
    public IEnumerable<(ulong Start, ulong End)> Ranges
    {
        get { for (int i = 0; i < _ranges.Length; i += 2) yield return (_ranges[i], _ranges[i + 1]); }
    }

    public bool IsEmpty => _ranges.Length == 0;

    /// <summary>The fraction of the sky covered, 0 to 1.</summary>
    public double SkyFraction => (double)Covered / AllCells;

    private ulong Covered { get { ulong n = 0; for (int i = 0; i < _ranges.Length; i += 2) n += _ranges[i + 1] - _ranges[i]; return n; } }

    public static Moc Empty(int maxOrder) => new(CheckOrder(maxOrder), []);

    /// <summary>The MOC of these NESTED cells at <paramref name="order"/> (duplicates and any order allowed), of that max order.</summary>
    public static Moc FromCells(int order, IEnumerable<long> cells)
    {
        CheckOrder(order);
        int shift = 2 * (Depth - order);
        var sorted = cells.Select(c => (ulong)CheckCell(order, c) << shift).ToArray();
        Array.Sort(sorted);
        var ranges = new List<ulong>();
        ulong size = 1UL << shift;
        foreach (ulong start in sorted) Append(ranges, start, start + size);
        return new Moc(order, [.. ranges]);
    }

    /// <summary>The MOC of NUNIQ values (4·4^order + cell, any order ≤ <paramref name="maxOrder"/>, any sequence, overlaps allowed).</summary>
    public static Moc FromUniq(int maxOrder, IEnumerable<long> uniq) => FromMultiOrder(maxOrder, uniq.Select(u => { var (o, c) = DecodeUniq(u); return (o, c, c); }));

    /// <summary>
    /// The same coverage at a coarser max order: each range widened to whole cells of <paramref name="order"/> (a
    /// coverage map may only grow when made coarser). An order at or above <see cref="MaxOrder"/> changes nothing.
    /// </summary>
    public Moc Degrade(int order)
    {
        CheckOrder(order);
        if (order >= MaxOrder) return this;
        int shift = 2 * (Depth - order);
        ulong mask = (1UL << shift) - 1;
        var ranges = new List<ulong>(_ranges.Length);
        for (int i = 0; i < _ranges.Length; i += 2)
            Append(ranges, _ranges[i] & ~mask, (_ranges[i + 1] + mask) & ~mask);
        return new Moc(order, [.. ranges]);
    }

    /// <summary>The union; its max order is the larger of the two.</summary>
    public Moc Union(Moc other)
    {
        var ranges = new List<ulong>(_ranges.Length + other._ranges.Length);
        int i = 0, j = 0;
        while (i < _ranges.Length || j < other._ranges.Length)
        {
            bool mine = j >= other._ranges.Length || (i < _ranges.Length && _ranges[i] <= other._ranges[j]);
            if (mine) { Append(ranges, _ranges[i], _ranges[i + 1]); i += 2; }
            else { Append(ranges, other._ranges[j], other._ranges[j + 1]); j += 2; }
        }
        return new Moc(Math.Max(MaxOrder, other.MaxOrder), [.. ranges]);
    }

    /// <summary>Whether the whole of the cell lies in the MOC.</summary>
    public bool Contains(int order, long cell)
    {
        CheckOrder(order);
        int shift = 2 * (Depth - order);
        ulong start = (ulong)CheckCell(order, cell) << shift, end = start + (1UL << shift);
        int k = LastRangeStartingAtOrBefore(start);
        return k >= 0 && _ranges[2 * k + 1] >= end;
    }

    /// <summary>The number of cells at <paramref name="order"/> (≥ <see cref="MaxOrder"/>) the MOC is made of.</summary>
    public long CellCount(int order) => (long)(Covered >> Shift(order));

    /// <summary>The MOC's cells written at <paramref name="order"/> (≥ <see cref="MaxOrder"/>), ascending.</summary>
    public IEnumerable<long> CellsAt(int order)
    {
        int shift = Shift(order);
        for (int i = 0; i < _ranges.Length; i += 2)
            for (ulong c = _ranges[i] >> shift; c < _ranges[i + 1] >> shift; c++) yield return (long)c;
    }

    /// <summary>
    /// The normalised multi-order cells: each at the lowest order it can be written at (four siblings make their
    /// parent), largest cells first, then by cell number — the order of <see cref="Uniq"/>.
    /// </summary>
    public IEnumerable<(int Order, long Cell)> Cells() => Uniq().Select(DecodeUniq);

    /// <summary>The NUNIQ values (4·4^order + cell) of <see cref="Cells"/>, ascending.</summary>
    public IEnumerable<long> Uniq()
    {
        var uniq = new List<long>();
        for (int i = 0; i < _ranges.Length; i += 2)
        {
            ulong s = _ranges[i], e = _ranges[i + 1];
            while (s < e)
            {
                // The largest cell that starts at s (aligned) and ends by e.
                int k = Math.Min(BitOperations.TrailingZeroCount(s | (1UL << 62)) / 2, Depth);
                while ((1UL << (2 * k)) > e - s) k--;
                int order = Depth - k;
                uniq.Add((4L << (2 * order)) + (long)(s >> (2 * k)));
                s += 1UL << (2 * k);
            }
        }
        uniq.Sort();
        return uniq;
    }

    // ---- discs ----

    /// <summary>
    /// The cells at <paramref name="order"/> a disc touches (a fibre's aperture): those of <see cref="DiscSamples"/>.
    /// Radius 0 gives the one cell holding the centre. This is the exact overlap up to the sampling spacing: a cell
    /// the disc enters by less than that spacing may be missed, never one it does not touch added.
    /// </summary>
    public static IEnumerable<long> DiscCells(int order, double raDeg, double decDeg, double radiusDeg)
    {
        CheckOrder(order);
        if (radiusDeg > 0 && InsideOneCell(order, raDeg, decDeg, radiusDeg) is { } cell) return [cell];
        return DiscSamples(order, raDeg, decDeg, radiusDeg).Select(p => Healpix.NestedIndex(order, p.Ra, p.Dec)).Distinct();
    }

    /// <summary>
    /// The cell holding the whole of a small disc, or null. Most fibres lie well inside one cell (1.5″ against 3.4′ at
    /// order 10): when the corners of a 16-gon drawn around the disc all fall in the centre's cell, so does the disc,
    /// cells being convex at that scale. 17 lookups instead of the ~400 samples of the circle (bulk ingest pays this per row).
    /// </summary>
    private static long? InsideOneCell(int order, double raDeg, double decDeg, double radiusDeg)
    {
        double radius = radiusDeg * Math.PI / 180;
        double quarterCell = Math.Sqrt(4 * Math.PI / (12.0 * Math.Pow(4, order))) / 4;
        if (radius > quarterCell / 4) return null;
        SkyRules.CheckCircle(raDeg, decDeg, radiusDeg);
        long centre = Healpix.NestedIndex(order, raDeg, decDeg);
        double rho = radius / Math.Cos(Math.PI / Corners) * 1.01;
        var c = SkyVector.FromLonLat(raDeg, decDeg);
        var u = (Math.Abs(c.Z) < 0.9 ? new SkyVector(0, 0, 1) : new SkyVector(1, 0, 0)).Cross(c).Normalized;
        var v = c.Cross(u);
        // The same values as computed in the loop, once: the corners' angles are constants, rho is the disc's.
        double cosRho = Math.Cos(rho), sinRho = Math.Sin(rho);
        for (int k = 0; k < Corners; k++)
        {
            var p = cosRho * c + sinRho * (CornerCos[k] * u + CornerSin[k] * v);
            if (Healpix.NestedIndex(order, p.Lon, Math.Clamp(p.Lat, -90, 90)) != centre) return null;
        }
        return centre;
    }

    private const int Corners = 16;
    private static readonly double[] CornerCos = [.. Enumerable.Range(0, Corners).Select(k => Math.Cos(2 * Math.PI * k / Corners))];
    private static readonly double[] CornerSin = [.. Enumerable.Range(0, Corners).Select(k => Math.Sin(2 * Math.PI * k / Corners))];

    /// <summary>
    /// The points <see cref="DiscCells"/> looks up: the centre; the circle, sampled every radius/64 and at most a
    /// quarter of a cell apart; and, when the disc is larger than a quarter of a cell, concentric rings inside it, a
    /// quarter of a cell apart both along and across them.
    /// </summary>
    public static IEnumerable<SkyPoint> DiscSamples(int order, double raDeg, double decDeg, double radiusDeg)
    {
        CheckOrder(order);
        SkyRules.CheckCircle(raDeg, decDeg, radiusDeg);
        var points = new List<SkyPoint> { new(raDeg, decDeg) };
        if (radiusDeg == 0) return points;

        double quarterCell = Math.Sqrt(4 * Math.PI / (12.0 * Math.Pow(4, order))) / 4;  // radians
        double radius = radiusDeg * Math.PI / 180;
        double step = Math.Min(radius / 64, quarterCell);
        var c = SkyVector.FromLonLat(raDeg, decDeg);
        var u = (Math.Abs(c.Z) < 0.9 ? new SkyVector(0, 0, 1) : new SkyVector(1, 0, 0)).Cross(c).Normalized;
        var v = c.Cross(u);
        double ringCount = radius > quarterCell ? Math.Ceiling(radius / quarterCell) : 1;
        if (ringCount * 2 * Math.PI * Math.Sin(Math.Min(radius, Math.PI / 2)) / step > 1e8)
            throw new InvalidSkyGeometryException($"a disc of radius {radiusDeg}° needs too many samples at HEALPix order {order}");
        int rings = (int)ringCount;
        for (int r = 1; r <= rings; r++)
        {
            double rho = radius * r / rings, ringStep = r == rings ? step : quarterCell;
            int n = Math.Max(8, (int)Math.Ceiling(2 * Math.PI * Math.Sin(rho) / ringStep));
            for (int k = 0; k < n; k++)
            {
                double t = 2 * Math.PI * k / n;
                var p = Math.Cos(rho) * c + Math.Sin(rho) * (Math.Cos(t) * u + Math.Sin(t) * v);
                points.Add(new SkyPoint(p.Lon, Math.Clamp(p.Lat, -90, 90)));
            }
        }
        return points;
    }

    // ---- serialisations ----

    /// <summary>MOC 2.0 ASCII: <c>3/1-4 7 5/122 10/</c> — orders ascending, runs as ranges, the max order closing when it holds no cell.</summary>
    public string ToAscii()
    {
        var sb = new StringBuilder();
        int lastOrder = -1;
        foreach (var (order, from, to) in Runs())
        {
            if (sb.Length > 0) sb.Append(' ');
            if (order != lastOrder) sb.Append(order).Append('/');
            sb.Append(from);
            if (to > from) sb.Append('-').Append(to);
            lastOrder = order;
        }
        if (lastOrder != MaxOrder) sb.Append(sb.Length > 0 ? " " : "").Append(MaxOrder).Append('/');
        return sb.ToString();
    }

    /// <summary>Reads MOC 2.0 ASCII (MOC 1.1's commas accepted too); the max order is the deepest order named.</summary>
    public static Moc ParseAscii(string text)
    {
        var cells = new List<(int, long, long)>();
        int order = -1, maxOrder = -1;
        foreach (string token in text.Split([' ', '\t', '\r', '\n', ','], StringSplitOptions.RemoveEmptyEntries))
        {
            string t = token;
            int slash = t.IndexOf('/');
            if (slash >= 0)
            {
                order = ParseInt(t[..slash], text);
                CheckOrder(order);
                maxOrder = Math.Max(maxOrder, order);
                t = t[(slash + 1)..];
                if (t.Length == 0) continue;
            }
            if (order < 0) throw Bad(text, $"'{token}' comes before any order");
            int dash = t.IndexOf('-');
            long from = ParseLong(dash < 0 ? t : t[..dash], text), to = dash < 0 ? from : ParseLong(t[(dash + 1)..], text);
            if (to < from) throw Bad(text, $"range '{t}' ends before it starts");
            cells.Add((order, CheckCell(order, from), CheckCell(order, to)));
        }
        if (maxOrder < 0) throw Bad(text, "no order is given");
        return FromMultiOrder(maxOrder, cells);
    }

    /// <summary>The JSON form Aladin and MOC 2.0 use: <c>{"3":[1,2,3,4],"5":[122],"10":[]}</c>.</summary>
    public void WriteJson(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        int open = -1;
        foreach (var (order, cell) in Cells())
        {
            if (order != open)
            {
                if (open >= 0) writer.WriteEndArray();
                writer.WriteStartArray(order.ToString(CultureInfo.InvariantCulture));
                open = order;
            }
            writer.WriteNumberValue(cell);
        }
        if (open >= 0) writer.WriteEndArray();
        if (open != MaxOrder) { writer.WriteStartArray(MaxOrder.ToString(CultureInfo.InvariantCulture)); writer.WriteEndArray(); }
        writer.WriteEndObject();
    }

    public string ToJson()
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer)) WriteJson(writer);
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary>Reads the JSON form; the max order is the deepest order key.</summary>
    public static Moc ParseJson(string json)
    {
        var cells = new List<(int, long, long)>();
        int maxOrder = -1;
        try
        {
            using var doc = JsonDocument.Parse(json);
            if (doc.RootElement.ValueKind != JsonValueKind.Object) throw Bad(json, "not a JSON object");
            foreach (var p in doc.RootElement.EnumerateObject())
            {
                int order = CheckOrder(ParseInt(p.Name, json));
                maxOrder = Math.Max(maxOrder, order);
                if (p.Value.ValueKind != JsonValueKind.Array) throw Bad(json, $"order {order} is not an array");
                foreach (var c in p.Value.EnumerateArray())
                {
                    long cell = c.ValueKind == JsonValueKind.Number && c.TryGetInt64(out long n) ? CheckCell(order, n) : throw Bad(json, $"'{c}' is not a cell number");
                    cells.Add((order, cell, cell));
                }
            }
        }
        catch (JsonException e) { throw Bad(json, e.Message); }
        if (maxOrder < 0) throw Bad(json, "no order is given");
        return FromMultiOrder(maxOrder, cells);
    }

    public override string ToString() => ToAscii();

    // ---- equality ----

    public bool Equals(Moc? other) => other is not null && MaxOrder == other.MaxOrder && _ranges.AsSpan().SequenceEqual(other._ranges);
    public override bool Equals(object? obj) => Equals(obj as Moc);
    public override int GetHashCode()
    {
        var h = new HashCode();
        h.Add(MaxOrder);
        foreach (ulong r in _ranges) h.Add(r);
        return h.ToHashCode();
    }
    public static bool operator ==(Moc? a, Moc? b) => a?.Equals(b) ?? b is null;
    public static bool operator !=(Moc? a, Moc? b) => !(a == b);

    // ---- internals ----

    /// <summary>Consecutive cells of <see cref="Cells"/> at one order, as (order, first, last).</summary>
    private IEnumerable<(int Order, long From, long To)> Runs()
    {
        int order = -1; long from = 0, to = 0;
        foreach (var (o, c) in Cells())
        {
            if (o == order && c == to + 1) { to = c; continue; }
            if (order >= 0) yield return (order, from, to);
            (order, from, to) = (o, c, c);
        }
        if (order >= 0) yield return (order, from, to);
    }

    /// <summary>The MOC of runs of cells (order, first, last), in any sequence, overlaps allowed.</summary>
    private static Moc FromMultiOrder(int maxOrder, IEnumerable<(int Order, long From, long To)> runs)
    {
        CheckOrder(maxOrder);
        var pairs = new List<(ulong Start, ulong End)>();
        foreach (var (order, from, to) in runs)
        {
            if (order > maxOrder) throw new InvalidSkyGeometryException($"MOC cell {from} at order {order} is deeper than the max order {maxOrder}");
            int shift = 2 * (Depth - CheckOrder(order));
            pairs.Add(((ulong)CheckCell(order, from) << shift, (ulong)(CheckCell(order, to) + 1) << shift));
        }
        pairs.Sort();
        var ranges = new List<ulong>(2 * pairs.Count);
        foreach (var (s, e) in pairs) Append(ranges, s, e);
        return new Moc(maxOrder, [.. ranges]);
    }

    /// <summary>Adds [s, e) to sorted flat ranges whose last start is ≤ s, merging overlaps and adjacency.</summary>
    private static void Append(List<ulong> ranges, ulong s, ulong e)
    {
        if (ranges.Count > 0 && s <= ranges[^1]) ranges[^1] = Math.Max(ranges[^1], e);
        else { ranges.Add(s); ranges.Add(e); }
    }

    private int LastRangeStartingAtOrBefore(ulong x)
    {
        int lo = 0, hi = _ranges.Length / 2 - 1, found = -1;
        while (lo <= hi)
        {
            int mid = (lo + hi) / 2;
            if (_ranges[2 * mid] <= x) { found = mid; lo = mid + 1; } else hi = mid - 1;
        }
        return found;
    }

    private int Shift(int order)
    {
        CheckOrder(order);
        if (order < MaxOrder) throw new InvalidSkyGeometryException($"order {order} is coarser than the MOC's max order {MaxOrder}");
        return 2 * (Depth - order);
    }

    private static (int Order, long Cell) DecodeUniq(long uniq)
    {
        if (uniq < 4) throw new InvalidSkyGeometryException($"NUNIQ {uniq} is below 4");
        int order = (63 - BitOperations.LeadingZeroCount((ulong)uniq)) / 2 - 1;
        return (CheckOrder(order), uniq - (4L << (2 * order)));
    }

    private static int CheckOrder(int order) => order is >= 0 and <= Depth ? order
        : throw new InvalidSkyGeometryException($"HEALPix order {order} is outside 0 to {Depth}");

    private static long CheckCell(int order, long cell) => cell >= 0 && cell < 12L << (2 * order) ? cell
        : throw new InvalidSkyGeometryException($"cell {cell} is outside 0 to {(12L << (2 * order)) - 1} at HEALPix order {order}");

    private static int ParseInt(string s, string text) =>
        int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out int v) ? v : throw Bad(text, $"'{s}' is not an order");

    private static long ParseLong(string s, string text) =>
        long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out long v) ? v : throw Bad(text, $"'{s}' is not a cell number");

    private static InvalidSkyGeometryException Bad(string text, string why) =>
        new($"MOC '{(text.Length > 60 ? text[..60] + "…" : text)}': {why}");
}
