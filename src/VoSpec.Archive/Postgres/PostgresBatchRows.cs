using System.Buffers.Binary;
using System.Collections.Concurrent;
using NpgsqlTypes;
using VoSpec.Archive.Catalogue;
using VoSpec.Archive.Sqlite;
using VoSpec.Core.Schema;
using VoSpec.VOTable;

namespace VoSpec.Archive.Postgres;

/// <summary>
/// A batch's specobj and ivoa_obscore rows made straight into binary COPY data (<see cref="PostgresCopyRows"/>) on
/// every core while the writer stores the previous batch, so that the writer's thread only sends bytes. Each row's
/// values live only while that row is encoded (they die young: no batch of boxed values reaches the garbage
/// collector's older generations) and its stored BINARY2 bytes go from the encoder straight into the COPY data. spec_id
/// is not known until the batch is written: each row's spec_id field is written as 0 and its place kept, and
/// <see cref="Patch"/> fills them in. What the writer also needs from the rows (the collection's statistics, its
/// classes, its coverage) is gathered in the same pass, so that no statement reads the batch back.
/// </summary>
internal sealed class PostgresBatchRows
{
    /// <summary>Rows a chunk holds: one thread's unit of work.</summary>
    private const int ChunkRows = 1024;

    private static readonly TableSchema SpecObj = SchemaCatalog.SpecObj, ObsCore = SchemaCatalog.ObsCore;
    private static readonly string[] SpecObjNames = [.. SpecObj.Columns.Select(c => c.Name)];
    private static readonly string[] ObsCoreNames = [.. ObsCore.Columns.Select(c => c.Name)];
    private static readonly NpgsqlDbType[] SpecObjKinds = [.. SpecObj.Columns.Select(PostgresValues.DbType)];
    private static readonly NpgsqlDbType[] ObsCoreKinds = [.. ObsCore.Columns.Select(PostgresValues.DbType)];
    private static readonly int SpecObjId = Array.IndexOf(SpecObjNames, "spec_id"), ObsCoreId = Array.IndexOf(ObsCoreNames, "spec_id");
    private static readonly int WaveMin = Array.IndexOf(SpecObjNames, "wavemin"), WaveMax = Array.IndexOf(SpecObjNames, "wavemax");
    private static readonly int Z = Array.IndexOf(SpecObjNames, "z"), Class = Array.IndexOf(SpecObjNames, "class");
    private static readonly int[] PublicColumns = [.. ObsCore.PublicColumns.Select(c => ObsCore.Columns.ToList().IndexOf(c))];

    private PostgresBatchRows(Chunk[] chunks) => Chunks = chunks;

    /// <summary>The batch's rows in batch order, <see cref="ChunkRows"/> at a time.</summary>
    public Chunk[] Chunks { get; }

    /// <summary>What <c>collection_stats</c> gains: the rows, and the ranges of wavelength and redshift (null: none known).</summary>
    public (long N, double? WaveMin, double? WaveMax, double? ZMin, double? ZMax) Statistics { get; private set; }

    /// <summary>What <c>collection_classes</c> gains: each non-empty class and its rows.</summary>
    public Dictionary<string, long> Classes { get; } = new(StringComparer.Ordinal);

    /// <summary>One thread's rows: their COPY data for each table, and where each row's spec_id goes in it.</summary>
    internal sealed class Chunk
    {
        public readonly PostgresCopyRows SpecObj = new(1 << 18), ObsCore = new(1 << 21);
        public readonly List<int> SpecObjIdAt = new(ChunkRows), ObsCoreIdAt = new(ChunkRows);
        public (long N, double? WaveMin, double? WaveMax, double? ZMin, double? ZMax) Statistics;
        public readonly Dictionary<string, long> Classes = new(StringComparer.Ordinal);

        public void Reset()
        {
            SpecObj.Reset();
            ObsCore.Reset();
            SpecObjIdAt.Clear();
            ObsCoreIdAt.Clear();
            Statistics = default;
            Classes.Clear();
        }
    }

    /// <summary>
    /// Makes the COPY data of <paramref name="ordered"/> (already in sky order) on every core, with chunks taken from
    /// <paramref name="pool"/> (the writer gives them back once sent: their buffers are reused, not reallocated).
    /// </summary>
    public static PostgresBatchRows Make(CatalogueItem[] ordered, string collection, ArchiveOptions options, ConcurrentBag<Chunk> pool, out SkyCoverage.Part coverage)
    {
        var chunks = new Chunk[(ordered.Length + ChunkRows - 1) / ChunkRows];
        var parts = new SkyCoverage.Builder[chunks.Length];
        var images = RowImages.ObsCore;
        Parallel.For(0, chunks.Length,
            () => (Encoder: new Binary2RowImages(images.Fields), SpecObj: new object?[SpecObjNames.Length], ObsCore: new object?[ObsCoreNames.Length + 1]),
            (k, _, local) =>
            {
                var chunk = pool.TryTake(out var c) ? c : new Chunk();
                chunk.Reset();
                var part = new SkyCoverage.Builder(options.CoverageOrder);
                var (encoder, specObj, obsCore) = local;
                for (int r = k * ChunkRows, end = Math.Min(ordered.Length, r + ChunkRows); r < end; r++)
                {
                    var item = ordered[r];
                    var values = new CatalogueRows(item.Spectrum.Meta, item.Spectrum.Arrays.Grid, collection, 0, item.SourceBytes, options);
                    for (int i = 0; i < specObj.Length; i++) specObj[i] = values.SpecObj(SpecObjNames[i]);
                    Encode(chunk.SpecObj, SpecObj, SpecObjKinds, specObj, 0, SpecObjId, chunk.SpecObjIdAt, default);
                    Gather(chunk, specObj);
                    // Slot 0 is the stored bytes' in BatchRows' rows (the layout SkyCoverage and ValueCells read).
                    for (int i = 0; i < ObsCoreNames.Length; i++) obsCore[i + 1] = values.ObsCore(ObsCoreNames[i]);
                    var image = encoder.Encode(new BatchRows.ValueCells(obsCore, PublicColumns));
                    Encode(chunk.ObsCore, ObsCore, ObsCoreKinds, obsCore, 1, ObsCoreId, chunk.ObsCoreIdAt, image);
                    part.Add(obsCore);
                }
                chunks[k] = chunk;
                parts[k] = part;
                return local;
            },
            _ => { });
        var batch = new PostgresBatchRows(chunks);
        var all = new SkyCoverage.Builder(options.CoverageOrder);
        (long N, double? WaveMin, double? WaveMax, double? ZMin, double? ZMax) s = default;
        for (int k = 0; k < chunks.Length; k++)
        {
            all.Add(parts[k]);
            var x = chunks[k].Statistics;
            s = (s.N + x.N, Min(s.WaveMin, x.WaveMin), Max(s.WaveMax, x.WaveMax), Min(s.ZMin, x.ZMin), Max(s.ZMax, x.ZMax));
            foreach (var (name, n) in chunks[k].Classes) batch.Classes[name] = batch.Classes.GetValueOrDefault(name) + n;
        }
        batch.Statistics = s;
        coverage = all.ToPart();
        return batch;
    }

    private static void Encode(PostgresCopyRows copy, TableSchema table, NpgsqlDbType[] kinds, object?[] values, int skip, int idColumn, List<int> idAt, ReadOnlySpan<byte> storedRow)
    {
        var columns = table.Columns;
        bool stored = skip > 0;
        copy.StartRow(columns.Count + (stored ? 1 : 0));
        for (int i = 0; i < columns.Count; i++)
        {
            if (i == idColumn)
            {
                idAt.Add(copy.Position + 4); // after the field's length
                copy.Int64(0);
            }
            else copy.Value(columns[i], kinds[i], values[i + skip]);
        }
        if (stored) copy.Bytes(storedRow);
    }

    /// <summary>The row's part of the collection's statistics and classes, as the SQL of the earlier read-back counted them (NaN and NULL left out).</summary>
    private static void Gather(Chunk chunk, object?[] specObj)
    {
        var s = chunk.Statistics;
        chunk.Statistics = (s.N + 1, Min(s.WaveMin, AsDouble(specObj[WaveMin])), Max(s.WaveMax, AsDouble(specObj[WaveMax])),
            Min(s.ZMin, AsDouble(specObj[Z])), Max(s.ZMax, AsDouble(specObj[Z])));
        if (specObj[Class] is string c && c.Length > 0) chunk.Classes[c] = chunk.Classes.GetValueOrDefault(c) + 1;
    }

    /// <summary>Writes spec_ids from <paramref name="first"/> on into the chunks' COPY data, in batch order.</summary>
    public void Patch(long first)
    {
        long id = first;
        foreach (var chunk in Chunks)
        {
            Span<byte> specObj = chunk.SpecObj.Written, obsCore = chunk.ObsCore.Written;
            for (int r = 0; r < chunk.SpecObjIdAt.Count; r++, id++)
            {
                BinaryPrimitives.WriteInt64BigEndian(specObj[chunk.SpecObjIdAt[r]..], id);
                BinaryPrimitives.WriteInt64BigEndian(obsCore[chunk.ObsCoreIdAt[r]..], id);
            }
        }
    }

    private static double? AsDouble(object? v) => v switch
    {
        double d when !double.IsNaN(d) => d,
        float f when !float.IsNaN(f) => f,
        long l => l,
        int i => i,
        _ => null,
    };

    private static double? Min(double? a, double? b) => a is null ? b : b is null ? a : Math.Min(a.Value, b.Value);
    private static double? Max(double? a, double? b) => a is null ? b : b is null ? a : Math.Max(a.Value, b.Value);
}
