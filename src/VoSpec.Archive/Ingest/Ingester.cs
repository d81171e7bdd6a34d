using System.Diagnostics;
using VoSpec.Archive.Sqlite;
using VoSpec.Archive.Catalogue;
using VoSpec.Core.Spectra;

namespace VoSpec.Archive.Ingest;

/// <summary>
/// Ingests survey files into one collection: files are parsed in parallel, a batch ahead of the
/// single writer, and each batch is committed atomically. A bad file is reported by name with its
/// reason and skipped; a spectrum already in the collection is skipped as a duplicate.
/// </summary>
public sealed class Ingester(SpectrumArchive archive)
{
    public const string LockFileName = "ingest.lock";

    /// <summary>One input, parsed or not: Name is how reports call it (the file path, or the spectrum's id).</summary>
    private sealed record Parsed(string Name, string? SourcePath, Spectrum? Spectrum, string Format, long Bytes, string? Problem, long Ticks);

    public IngestReport Run(IEnumerable<string> paths, string collection, IIngestProgress? progress = null, CancellationToken cancel = default, string? title = null)
    {
        ValidateCollectionName(collection);
        var report = new IngestReport();
        var clock = Stopwatch.StartNew();
        using var ingestLock = AcquireLock();
        var files = SpectrumFileReader.Expand(paths).ToList();
        progress?.Started(files.Count);
        using var writer = archive.OpenWriter(collection, title ?? collection, expectedRows: files.Count);
        int batchSize = Math.Max(1, archive.Options.IngestBatchSize);
        var chunks = files.Chunk(batchSize).ToList();
        long parseTicks = 0;
        Task<Parsed[]>? next = chunks.Count > 0 ? Task.Run(() => ParseChunk(chunks[0])) : null;
        for (int k = 0; k < chunks.Count; k++)
        {
            var parsed = next!.GetAwaiter().GetResult();
            if (cancel.IsCancellationRequested) { report.Cancelled = true; break; }
            // The chunk is taken now: a lambda reading chunks[k + 1] would see k as it is when the task starts, which
            // may be after the loop moved on (a chunk parsed twice, another never, or past the end).
            var following = k + 1 < chunks.Count ? chunks[k + 1] : null;
            next = following is not null ? Task.Run(() => ParseChunk(following)) : null;
            parseTicks += parsed.Sum(p => p.Ticks);
            var writeClock = Stopwatch.StartNew();
            WriteChunk(writer, parsed, report, progress);
            report.WriteTime += writeClock.Elapsed;
        }
        next?.Wait(CancellationToken.None);
        var indexClock = Stopwatch.StartNew();
        writer.BuildDeferredIndexes();
        report.IndexTime = indexClock.Elapsed;
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
        using var writer = archive.OpenWriter(collection, title ?? collection, 0);
        foreach (var chunk in spectra.Chunk(Math.Max(1, archive.Options.IngestBatchSize)))
        {
            var parsed = chunk.Select(s => new Parsed($"{collection}:{s.Meta.SpecObjId}", null, s, "generated", estimatedBytesEach, null, 0)).ToArray();
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

    private static Parsed[] ParseChunk((string Path, string? Problem)[] chunk)
    {
        var result = new Parsed[chunk.Length];
        Parallel.For(0, chunk.Length, i =>
        {
            var (path, problem) = chunk[i];
            long t0 = Stopwatch.GetTimestamp();
            if (problem is not null) { result[i] = new Parsed(path, null, null, "", 0, problem, 0); return; }
            try
            {
                var (spectrum, format) = SpectrumFileReader.Read(path);
                spectrum.Arrays.Validate();
                result[i] = new Parsed(path, path, spectrum, format, new FileInfo(path).Length, null, Stopwatch.GetTimestamp() - t0);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // A bad file never stops the ingest: it is reported by name with the reason.
                result[i] = new Parsed(path, null, null, "", 0, Describe(e), Stopwatch.GetTimestamp() - t0);
            }
        });
        return result;
    }

    private static void WriteChunk(ICatalogueWriter writer, Parsed[] parsed, IngestReport report, IIngestProgress? progress)
    {
        var batch = new List<CatalogueItem>();
        var names = new List<string>();
        var inBatch = new HashSet<long>();
        var outcomes = new List<(string Name, IngestOutcome Outcome, string? Reason)>();
        foreach (var p in parsed)
        {
            if (p.Spectrum is null) { outcomes.Add((p.Name, IngestOutcome.Failed, p.Problem)); continue; }
            long id = p.Spectrum.Meta.SpecObjId;
            if (writer.Contains(id) || !inBatch.Add(id)) { outcomes.Add((p.Name, IngestOutcome.Duplicate, null)); continue; }
            batch.Add(new CatalogueItem(p.Spectrum, p.SourcePath, p.Bytes, p.Format));
            names.Add(p.Name);
        }
        try
        {
            writer.WriteBatch(batch);
            outcomes.AddRange(names.Select(n => (n, IngestOutcome.Ingested, (string?)null)));
        }
        catch (Exception) when (batch.Count > 1)
        {
            // Find the culprit(s): store one by one, so only the files that fail are reported.
            for (int i = 0; i < batch.Count; i++)
            {
                try { writer.WriteBatch([batch[i]]); outcomes.Add((names[i], IngestOutcome.Ingested, null)); }
                catch (Exception e) { outcomes.Add((names[i], IngestOutcome.Failed, Describe(e))); }
            }
        }
        catch (Exception e)
        {
            foreach (var n in names) outcomes.Add((n, IngestOutcome.Failed, Describe(e)));
        }
        foreach (var (path, outcome, reason) in outcomes)
        {
            switch (outcome)
            {
                case IngestOutcome.Ingested: report.Ingested++; break;
                case IngestOutcome.Duplicate: report.Duplicates++; break;
                default: report.Failures.Add((path, reason ?? "unknown error")); break;
            }
            progress?.FileDone(path, outcome, reason);
        }
    }

    private static string Describe(Exception e) => e switch
    {
        Microsoft.Data.Sqlite.SqliteException s when s.SqliteErrorCode == 19 => "conflicts with a spectrum already in the collection (same plate, MJD and fiber): " + s.Message,
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
