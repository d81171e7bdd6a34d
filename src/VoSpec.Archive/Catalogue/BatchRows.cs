using System.Diagnostics;
using VoSpec.Archive.Pixels;
using VoSpec.Archive.Sqlite;
using VoSpec.Core.Schema;
using VoSpec.Core.Sky;
using VoSpec.Core.Spectra;
using VoSpec.VOTable;

namespace VoSpec.Archive.Catalogue;

/// <summary>A spectrum ready to store, and the file it came from.</summary>
public sealed record CatalogueItem(Spectrum Spectrum, string? SourcePath, long SourceBytes, string SourceFormat)
{
    /// <summary>Catalogue rows only, no pixels (scale tests of the catalogue: a million rows without 100 GB of arrays).</summary>
    public bool CatalogueOnly { get; init; }

    /// <summary>
    /// Served in place from <see cref="SourcePath"/> (<c>vospec ingest --in-place</c>): the FIBERMAP row of a DESI file
    /// whose pixels are not copied; the spectrum's arrays hold its grid only. Null: pixels go to the pixel store.
    /// </summary>
    public int? SourceRow { get; init; }

    /// <summary>The source file's <see cref="SpectrumLocation.StampOf"/> when it was read (with <see cref="SourceRow"/>).</summary>
    public long SourceStamp { get; init; }
}

/// <summary>
/// A batch in sky order with its rows' values (and stored bytes, where the backend keeps them) made; its spec_ids are
/// given when it is written. A loader prepares the next batch (on the other cores) while the writer stores this one.
/// </summary>
public sealed class PreparedBatch
{
    internal PreparedBatch(CatalogueItem[] items, (object?[] SpecObj, object?[] ObsCore)[] rows, SkyCoverage.Part coverage) { Items = items; Rows = rows; Coverage = coverage; }
    internal PreparedBatch(CatalogueItem[] items, Postgres.PostgresBatchRows copy, SkyCoverage.Part coverage) { Items = items; Rows = []; Copy = copy; Coverage = coverage; }
    internal CatalogueItem[] Items { get; }
    /// <summary>specobj's values in schema order; obscore's after one slot for the stored BINARY2 bytes (null when not kept).</summary>
    internal (object?[] SpecObj, object?[] ObsCore)[] Rows { get; }
    /// <summary>The rows already encoded as PostgreSQL's COPY data (then <see cref="Rows"/> is empty).</summary>
    internal Postgres.PostgresBatchRows? Copy { get; }
    internal SkyCoverage.Part Coverage { get; }
    public int Count => Items.Length;
}

/// <summary>
/// Makes a batch's rows: HEALPix order first (so neighbours on the sky are neighbours in the table and its indexes), then
/// each row's values from <see cref="CatalogueRows"/>, on every core (SQLite's writer; PostgreSQL's encodes the values
/// straight into COPY data instead, <see cref="Postgres.PostgresBatchRows"/>, after the same sky order).
/// </summary>
internal static class BatchRows
{
    // The HEALPix order of the sky order within a batch: ~0.4' pixels, finer than any fibre's neighbours.
    private const int SkyOrder = 16;

    // Where spec_id goes in each row's values (obscore's after the stored bytes).
    public static readonly int SpecObjIdSlot = SchemaCatalog.SpecObj.Columns.ToList().FindIndex(c => c.Name == "spec_id");
    public static readonly int ObsCoreIdSlot = SchemaCatalog.ObsCore.Columns.ToList().FindIndex(c => c.Name == "spec_id") + 1;

    /// <param name="images">The stored BINARY2 rows to make in the same pass; null for a backend that keeps none.</param>
    /// <param name="ticks">Where the time goes, added per <see cref="WritePhase"/>.</param>
    public static PreparedBatch Prepare(IReadOnlyList<CatalogueItem> items, string collection, ArchiveOptions options, RowImageTable? images, long[] ticks)
    {
        long t0 = Stopwatch.GetTimestamp();
        var ordered = SkyOrdered(items);
        long t1 = Stopwatch.GetTimestamp();
        var rows = Rows(ordered, collection, options, images);
        Interlocked.Add(ref ticks[(int)WritePhase.SkyOrder], t1 - t0);
        Interlocked.Add(ref ticks[(int)WritePhase.Values], Stopwatch.GetTimestamp() - t1);
        return new PreparedBatch(ordered, rows, SkyCoverage.Part.Of(rows.Select(r => r.ObsCore), options.CoverageOrder));
    }

    /// <summary>
    /// Appends each item's pixels to the collection's store (none for a catalogue-only row) and flushes it, before the
    /// catalogue rows that point at them are written: spec_ids from <paramref name="firstSpecId"/> on, in batch order.
    /// </summary>
    public static List<(CatalogueItem Item, long SpecId, long Offset, long Length)> PlacePixels(CatalogueItem[] ordered, PixelStoreWriter pixels, long firstSpecId)
    {
        var placed = new List<(CatalogueItem Item, long SpecId, long Offset, long Length)>(ordered.Length);
        foreach (var item in ordered)
        {
            long specId = firstSpecId + placed.Count;
            var (off, len) = item.CatalogueOnly ? (0L, 0L)
                : item.SourceRow is int row ? SpectrumLocation.SourceRecord(row, item.SourceStamp)
                : pixels.Append(item.Spectrum.Arrays, specId);
            placed.Add((item, specId, off, len));
        }
        pixels.Flush();
        return placed;
    }

    /// <summary>The batch in HEALPix NESTED order (stable: the input's order among neighbours).</summary>
    internal static CatalogueItem[] SkyOrdered(IReadOnlyList<CatalogueItem> items)
    {
        var ordered = items.ToArray();
        var keys = new long[ordered.Length];
        for (int i = 0; i < keys.Length; i++)
        {
            var m = ordered[i].Spectrum.Meta;
            keys[i] = double.IsFinite(m.Ra) && double.IsFinite(m.Dec) && Math.Abs(m.Dec) <= 90 ? Healpix.NestedIndex(SkyOrder, m.Ra, m.Dec) : long.MaxValue;
        }
        var index = Enumerable.Range(0, ordered.Length).ToArray();
        Array.Sort(index, (a, b) => keys[a] != keys[b] ? keys[a].CompareTo(keys[b]) : a.CompareTo(b));
        return index.Select(i => ordered[i]).ToArray();
    }

    /// <summary>The values of each item's specobj and obscore rows, with obscore's stored BINARY2 bytes first; made on every core.</summary>
    private static (object?[] SpecObj, object?[] ObsCore)[] Rows(CatalogueItem[] items, string collection, ArchiveOptions options, RowImageTable? images)
    {
        var rows = new (object?[], object?[])[items.Length];
                var all = SchemaCatalog.ObsCore.Columns.ToList();
        var publicColumns = SchemaCatalog.ObsCore.PublicColumns.Select(c => all.IndexOf(c)).ToArray();
        var specObjColumns = SchemaCatalog.SpecObj.Columns.Select(c => c.Name).ToArray();
        var obsCoreColumns = all.Select(c => c.Name).ToArray();
        Parallel.ForEach(System.Collections.Concurrent.Partitioner.Create(0, items.Length, 1024),
            () => images is null ? (Binary2RowImages?)null : new Binary2RowImages(images.Fields),
            (range, _, encoder) =>
            {
                for (int k = range.Item1; k < range.Item2; k++)
                {
                    var item = items[k];
                    var c = new CatalogueRows(item.Spectrum.Meta, item.Spectrum.Arrays.Grid, collection, 0, item.SourceBytes, options);
                    var specObj = new object?[specObjColumns.Length];
                    for (int i = 0; i < specObjColumns.Length; i++) specObj[i] = c.SpecObj(specObjColumns[i]);
                    var obsCore = new object?[obsCoreColumns.Length + 1];
                    for (int i = 0; i < obsCoreColumns.Length; i++) obsCore[i + 1] = c.ObsCore(obsCoreColumns[i]);
                    obsCore[0] = encoder?.Encode(new ValueCells(obsCore, publicColumns)).ToArray();
                    rows[k] = (specObj, obsCore);
                }
                return encoder;
            },
            _ => { });
        return rows;
    }

    /// <summary>
    /// A row's values as cells (cell i is <c>values[columns[i] + 1]</c>), read as SQLite's trigger reads the stored ones
    /// (<see cref="RowImages"/>); PostgreSQL's rows encoded again (<see cref="Postgres.PostgresRowImages"/>) read the same way.
    /// </summary>
    internal readonly struct ValueCells(object?[] values, int[] columns) : IRawCells
    {
        [ThreadStatic] private static byte[]? t_utf8;

        private object? Value(int ordinal) => values[columns[ordinal] + 1];

        public bool TryGetInt64(int ordinal, out long value)
        {
            switch (Value(ordinal))
            {
                case null: value = 0; return false;
                case double d: value = (long)d; return true;
                case float f: value = (long)f; return true;
                case bool b: value = b ? 1 : 0; return true;
                case var v: value = Convert.ToInt64(v, System.Globalization.CultureInfo.InvariantCulture); return true;
            }
        }

        public bool TryGetDouble(int ordinal, out double value)
        {
            var v = Value(ordinal);
            value = v is null ? 0 : Convert.ToDouble(v, System.Globalization.CultureInfo.InvariantCulture);
            // SQLite stores a NaN as NULL.
            return v is not null && !double.IsNaN(value);
        }

        public bool TryGetUtf8(int ordinal, out ReadOnlySpan<byte> value)
        {
            switch (Value(ordinal))
            {
                case null: value = default; return false;
                case string s:
                    // Read by the encoder before the next cell: one buffer per thread, not an array per cell.
                    var buffer = t_utf8 ??= new byte[256];
                    int max = System.Text.Encoding.UTF8.GetMaxByteCount(s.Length);
                    if (buffer.Length < max) t_utf8 = buffer = new byte[max];
                    value = buffer.AsSpan(0, System.Text.Encoding.UTF8.GetBytes(s, buffer));
                    return true;
                case var v: throw new InvalidOperationException($"a text cell holds {v.GetType().Name}");
            }
        }

        public bool TryGetBytes(int ordinal, out ReadOnlySpan<byte> value) => TryGetUtf8(ordinal, out value);
    }

}
