using System.Diagnostics;
using VoSpec.Archive.Sqlite;
using VoSpec.Archive.Catalogue;
using VoSpec.Core.Spectra;
using VoSpec.Fits.Desi;

namespace VoSpec.Archive.Ingest;

/// <summary>
/// Ingests survey files: files are parsed in parallel, a batch ahead of the single writer, and each batch is
/// committed atomically. SDSS files go to the collection the caller names, DESI and LAMOST files to their own
/// (<see cref="SurveyFile.CollectionFor"/>). A bad file is reported by name with its reason and skipped; a
/// spectrum already in its collection is skipped as a duplicate. Counts are of spectra (a DESI file holds several).
/// </summary>
public sealed class Ingester(SpectrumArchive archive)
{
    public const string LockFileName = "ingest.lock";

    /// <summary>One input, parsed or not: Name is how reports call it (the file path, or the spectrum's id).</summary>
    /// <param name="SourceRows">Each spectrum's FIBERMAP row when the file is served in place (<see cref="SurveyFile.SourceRows"/>).</param>
    /// <param name="Stamp">The file's <see cref="SpectrumLocation.StampOf"/> when it was read (in place only).</param>
    private sealed record Parsed(string Name, string? SourcePath, IReadOnlyList<Spectrum>? Spectra, string Collection, string? Title, string Format, long Bytes, string? Problem, long Ticks,
        IReadOnlyList<int>? SourceRows = null, long Stamp = 0);

    /// <param name="inPlace">
    /// DESI files whose fibres can be read one by one are served from where they are (<see cref="DesiFibreSource.CanServe"/>):
    /// their spectra's catalogue rows record the file and row instead of copying pixels, and the files must stay where
    /// they are, unchanged (docs/publishing.md). Other files are copied into the pixel store as always.
    /// </param>
    public IngestReport Run(IEnumerable<string> paths, string collection, IIngestProgress? progress = null, CancellationToken cancel = default, string? title = null, bool inPlace = false)
    {
        ValidateCollectionName(collection);
        var report = new IngestReport();
        var clock = Stopwatch.StartNew();
        using var ingestLock = AcquireLock();
        var files = SpectrumFileReader.Expand(paths).ToList();
        progress?.Started(files.Count);
        using var writer = new WriterSet(archive, collection, title ?? collection, files.Count);
        int batchSize = Math.Max(1, archive.Options.IngestBatchSize);
        // In place, a file's size says nothing of what parsing it holds in memory (its catalogue rows): chunks are a few files.
        var chunks = (inPlace ? Chunks(files, Math.Min(batchSize, InPlaceChunkFiles), long.MaxValue) : Chunks(files, batchSize, ChunkBytes)).ToList();
        long parseTicks = 0;
        Task<Parsed[]>? next = chunks.Count > 0 ? Task.Run(() => ParseChunk(chunks[0], collection, inPlace)) : null;
        for (int k = 0; k < chunks.Count; k++)
        {
            var parsed = next!.GetAwaiter().GetResult();
            if (cancel.IsCancellationRequested) { report.Cancelled = true; break; }
            // The chunk is taken now: a lambda reading chunks[k + 1] would see k as it is when the task starts, which
            // may be after the loop moved on (a chunk parsed twice, another never, or past the end).
            var following = k + 1 < chunks.Count ? chunks[k + 1] : null;
            next = following is not null ? Task.Run(() => ParseChunk(following, collection, inPlace)) : null;
            parseTicks += parsed.Sum(p => p.Ticks);
            var writeClock = Stopwatch.StartNew();
            WriteChunk(writer, parsed, report, progress);
            report.WriteTime += writeClock.Elapsed;
        }
        next?.Wait(CancellationToken.None);
        var indexClock = Stopwatch.StartNew();
        writer.Current.BuildDeferredIndexes();
        report.IndexTime = indexClock.Elapsed;
        report.Phases = writer.Times;
        report.ParseTime = TimeSpan.FromTicks(parseTicks * TimeSpan.TicksPerSecond / Stopwatch.Frequency);
        report.Elapsed = clock.Elapsed;
        return report;
    }

    /// <summary>
    /// Stores spectra that are already in memory (generated catalogues for benchmarks, tests),
    /// batch by batch with the same atomicity and duplicate rules as file ingest.
    /// </summary>
    public IngestReport Store(IEnumerable<Spectrum> spectra, string collection, string? title = null, long estimatedBytesEach = 0)
    {
        ValidateCollectionName(collection);
        var report = new IngestReport();
        var clock = Stopwatch.StartNew();
        using var ingestLock = AcquireLock();
        using var writer = new WriterSet(archive, collection, title ?? collection, 0);
        foreach (var chunk in spectra.Chunk(Math.Max(1, archive.Options.IngestBatchSize)))
        {
            var parsed = chunk.Select(s => new Parsed($"{collection}:{s.Meta.SpecObjId}", null, [s], collection, null, "generated", estimatedBytesEach, null, 0)).ToArray();
            var writeClock = Stopwatch.StartNew();
            WriteChunk(writer, parsed, report, null);
            report.WriteTime += writeClock.Elapsed;
        }
        report.Elapsed = clock.Elapsed;
        return report;
    }

    /// <summary>
    /// Catalogue rows without pixel data, for scale tests of the catalogue and TAP (ten million rows);
    /// such spectra cannot be read back as pixels. <paramref name="expectedRows"/> makes a large load a bulk load.
    /// </summary>
    /// <param name="batchDone">Called after each batch with the rows stored so far (progress, rate per million).</param>
    public IngestReport StoreCatalogueOnly(IEnumerable<Spectrum> spectra, string collection, long expectedRows = 0, Action<long>? batchDone = null)
    {
        ValidateCollectionName(collection);
        var report = new IngestReport();
        var clock = Stopwatch.StartNew();
        using var ingestLock = AcquireLock();
        using var writer = archive.OpenWriter(collection, collection, expectedRows);
        // The next batch is prepared (sky order, values, stored bytes) while this one is written.
        Task<PreparedBatch>? ready = null;
        foreach (var chunk in spectra.Chunk(Math.Max(1, archive.Options.IngestBatchSize)))
        {
            var items = chunk.Select(s => new CatalogueItem(s, null, 0, "catalogue-only") { CatalogueOnly = true }).ToList();
            var preparing = Task.Run(() => writer.Prepare(items));
            if (ready is not null) Write(ready.GetAwaiter().GetResult());
            ready = preparing;
        }
        if (ready is not null) Write(ready.GetAwaiter().GetResult());
        report.WriteTime = clock.Elapsed;
        writer.BuildDeferredIndexes();
        report.IndexTime = clock.Elapsed - report.WriteTime;
        report.Elapsed = clock.Elapsed;
        report.Phases = writer.Times.Select(p => (p.Phase.ToString(), p.Time)).ToList();
        return report;

        void Write(PreparedBatch batch)
        {
            writer.WriteBatch(batch);
            report.Ingested += batch.Count;
            batchDone?.Invoke(report.Ingested);
        }
    }

    /// <summary>
    /// At most this many bytes of files are parsed ahead of the writer: a chunk of survey-sized files (a DESI
    /// coadd is 223 MB and 500 spectra) is one or two files, so the next file is parsed while this one is
    /// written, instead of every file being parsed before the first is written.
    /// </summary>
    public const long ChunkBytes = 256L << 20;

    /// <summary>
    /// Files in a chunk of an in-place ingest, whose parse reads no pixel: 8 DESI coadds are 4,000 catalogue rows, one
    /// transaction (a commit per file cost as much as the rows of that file).
    /// </summary>
    public const int InPlaceChunkFiles = 8;

    /// <summary>Files in order, in chunks of at most <paramref name="count"/> files and (unless one file alone is larger) <paramref name="bytes"/> bytes.</summary>
    internal static IEnumerable<(string Path, string? Problem)[]> Chunks(IReadOnlyList<(string Path, string? Problem)> files, int count, long bytes)
    {
        var chunk = new List<(string Path, string? Problem)>();
        long size = 0;
        foreach (var f in files)
        {
            long length = f.Problem is null && File.Exists(f.Path) ? new FileInfo(f.Path).Length : 0;
            if (chunk.Count > 0 && (chunk.Count >= count || size + length > bytes))
            {
                yield return [.. chunk];
                chunk.Clear();
                size = 0;
            }
            chunk.Add(f);
            size += length;
        }
        if (chunk.Count > 0) yield return [.. chunk];
    }

    private static Parsed[] ParseChunk((string Path, string? Problem)[] chunk, string sdssCollection, bool inPlace)
    {
        var result = new Parsed[chunk.Length];
        Parallel.For(0, chunk.Length, i =>
        {
            var (path, problem) = chunk[i];
            long t0 = Stopwatch.GetTimestamp();
            if (problem is not null) { result[i] = Failed(path, problem, 0); return; }
            try
            {
                // Stamped before it is read: a file changed while it is read has another stamp by the time it is served.
                var info = new FileInfo(path);
                long stamp = SpectrumLocation.StampOf(info);
                var file = SpectrumFileReader.Read(path, inPlace);
                if (file.SourceRows is null) foreach (var s in file.Spectra) s.Arrays.Validate();
                result[i] = new Parsed(path, path, file.Spectra, file.CollectionFor(sdssCollection), file.Title, file.Format,
                    info.Length, null, Stopwatch.GetTimestamp() - t0, file.SourceRows, stamp);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // A bad file never stops the ingest: it is reported by name with the reason.
                result[i] = Failed(path, Describe(e), Stopwatch.GetTimestamp() - t0);
            }
        });
        return result;
    }

    private static Parsed Failed(string path, string problem, long ticks) => new(path, null, null, "", null, "", 0, problem, ticks);

    private static void WriteChunk(WriterSet writers, Parsed[] parsed, IngestReport report, IIngestProgress? progress)
    {
        // Outcomes per spectrum, kept by the file they came from: the progress hears once per file.
        // By reference: the same missing path given twice makes two equal records.
        var outcomes = new Dictionary<Parsed, List<(string Name, IngestOutcome Outcome, string? Reason)>>(ReferenceEqualityComparer.Instance);
        foreach (var p in parsed) outcomes[p] = [];
        foreach (var p in parsed)
            if (p.Spectra is null) outcomes[p].Add((p.Name, IngestOutcome.Failed, p.Problem));
        foreach (var group in parsed.Where(p => p.Spectra is not null).GroupBy(p => p.Collection))
        {
            var writer = writers.For(group.Key, group.First().Title);
            var batch = new List<CatalogueItem>();
            var owners = new List<(Parsed File, string Name)>();
            var inBatch = new HashSet<long>();
            foreach (var p in group)
            {
                for (int s = 0; s < p.Spectra!.Count; s++)
                {
                    var spectrum = p.Spectra[s];
                    string name = p.Spectra!.Count == 1 ? p.Name : $"{p.Name} [{spectrum.Meta.ObsId}]";
                    long id = spectrum.Meta.SpecObjId;
                    if (writer.Contains(id) || !inBatch.Add(id)) { outcomes[p].Add((name, IngestOutcome.Duplicate, null)); continue; }
                    batch.Add(new CatalogueItem(spectrum, p.SourcePath, p.Bytes / p.Spectra.Count, p.Format)
                    {
                        SourceRow = p.SourceRows?[s],
                        SourceStamp = p.Stamp,
                    });
                    owners.Add((p, name));
                }
            }
            try
            {
                writer.WriteBatch(batch);
                foreach (var (file, name) in owners) outcomes[file].Add((name, IngestOutcome.Ingested, null));
            }
            catch (Exception) when (batch.Count > 1)
            {
                // Find the culprit(s): store one by one, so only the spectra that fail are reported.
                for (int i = 0; i < batch.Count; i++)
                {
                    try { writer.WriteBatch([batch[i]]); outcomes[owners[i].File].Add((owners[i].Name, IngestOutcome.Ingested, null)); }
                    catch (Exception e) { outcomes[owners[i].File].Add((owners[i].Name, IngestOutcome.Failed, Describe(e))); }
                }
            }
            catch (Exception e)
            {
                foreach (var (file, name) in owners) outcomes[file].Add((name, IngestOutcome.Failed, Describe(e)));
            }
        }
        foreach (var p in parsed)
        {
            foreach (var (name, outcome, reason) in outcomes[p])
            {
                switch (outcome)
                {
                    case IngestOutcome.Ingested: report.Ingested++; if (p.SourceRows is not null) report.InPlace++; break;
                    case IngestOutcome.Duplicate: report.Duplicates++; break;
                    default: report.Failures.Add((name, reason ?? "unknown error")); break;
                }
            }
            // A file is done as its worst spectrum: failed if any failed, else ingested if any went in. A DESI file of sky fibres only is ingested with nothing in it.
            var list = outcomes[p];
            var failed = list.FirstOrDefault(o => o.Outcome == IngestOutcome.Failed);
            var fileOutcome = failed.Name is not null ? IngestOutcome.Failed
                : list.Count == 0 || list.Any(o => o.Outcome == IngestOutcome.Ingested) ? IngestOutcome.Ingested : IngestOutcome.Duplicate;
            progress?.FileDone(p.Name, fileOutcome, failed.Reason);
        }
    }

    /// <summary>
    /// The one catalogue writer an archive may have, for the collection being written: a batch for another
    /// collection closes it and opens that one's (files come in path order, so surveys seldom interleave).
    /// The caller's collection is opened at once, as a new empty collection exists after an ingest of nothing.
    /// </summary>
    private sealed class WriterSet : IDisposable
    {
        private readonly SpectrumArchive _archive;
        private readonly string _collection, _title;
        private readonly long _expectedRows;

        public WriterSet(SpectrumArchive archive, string collection, string title, long expectedRows)
        {
            (_archive, _collection, _title, _expectedRows) = (archive, collection, title, expectedRows);
            Current = archive.OpenWriter(collection, title, expectedRows);
        }

        public ICatalogueWriter Current { get; private set; }

        /// <summary>The write phases' times of every writer this set opened (for the report).</summary>
        public IReadOnlyList<(string Phase, TimeSpan Time)> Times =>
            _closed.Concat(Current.Times).GroupBy(p => p.Phase).Select(g => (g.Key.ToString(), g.Aggregate(TimeSpan.Zero, (t, p) => t + p.Time))).ToList();

        private readonly List<(WritePhase Phase, TimeSpan Time)> _closed = [];

        public ICatalogueWriter For(string collection, string? title)
        {
            if (Current.Collection == collection) return Current;
            _closed.AddRange(Current.Times);
            Current.Dispose();
            bool main = collection == _collection;
            Current = _archive.OpenWriter(collection, main ? _title : title ?? collection, main ? _expectedRows : 0);
            return Current;
        }

        public void Dispose() => Current.Dispose();
    }

    private static string Describe(Exception e) => e switch
    {
        Microsoft.Data.Sqlite.SqliteException s when s.SqliteErrorCode == 19 => "conflicts with a spectrum already in the collection (same plate, MJD, fiber and obs_id): " + s.Message,
        Npgsql.PostgresException p when p.SqlState == Npgsql.PostgresErrorCodes.UniqueViolation => "conflicts with a spectrum already in the collection (same plate, MJD, fiber and obs_id): " + p.MessageText,
        VoSpec.Fits.FitsFormatException or InvalidDataException or IOException or EndOfStreamException => e.Message,
        _ => $"{e.GetType().Name}: {e.Message}",
    };

    /// <summary>One writer per archive: a second ingest waits for nobody and fails clearly.</summary>
    private FileStream AcquireLock()
    {
        var path = Path.Combine(archive.Directory, LockFileName);
        try { return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose); }
        catch (IOException) { throw new InvalidOperationException($"another ingest is running on {archive.Directory} (lock file {LockFileName})"); }
    }

    /// <summary>Collection names become file names and URL parts: keep them simple.</summary>
    public static void ValidateCollectionName(string name)
    {
        if (name.Length is 0 or > 64 || !char.IsAsciiLetter(name[0]) || !name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_' || c == '-'))
            throw new ArgumentException($"collection name '{name}' must start with a letter and hold only letters, digits, '_' and '-' (at most 64)");
    }
}
