using System.Diagnostics;
using VoSpec.Archive;
using VoSpec.Server.Formats;
using VoSpec.Server.SpecService;

namespace VoSpec.Bench;

/// <summary>
/// The /spec service's work in-process, phase by phase (no HTTP): id resolution, the alignment plan, the aligned
/// .npy body written to a null stream, a single-id body, and a stacked image. Shows where a request's time goes.
/// </summary>
internal static class SpecBench
{
    public static void Run(Options o)
    {
        int n = o.Int("n", 1000), rounds = o.Int("rounds", 5), parallelism = o.Int("threads", Math.Clamp(Environment.ProcessorCount, 1, 4));
        using var archive = SpectrumArchive.Open(o.Str("archive", "/tmp/bench/spec20k/archive"));
        var ids = new List<string>();
        using (var conn = archive.Sqlite.OpenConnection())
        using (var cmd = conn.CreateCommand())
        {
            cmd.CommandText = $"SELECT specobjid FROM specobj ORDER BY spec_id LIMIT {n}";
            using var r = cmd.ExecuteReader();
            while (r.Read()) ids.Add(r.GetInt64(0).ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        var limits = new SpecServiceLimits();
        var context = SpecContexts.Resolve(archive, VoSpec.Server.Access.AccessRights.Everything, "default");
        for (int round = 0; round < rounds; round++)
        {
            var sw = Stopwatch.StartNew();
            var parsed = SpecId.ParseList(ids, limits.MaxIds);
            double tParse = Lap(sw);
            var locations = SpectrumResolver.Resolve(archive, context, parsed);
            double tResolve = Lap(sw);
            var rows = SpectrumRows.Align(archive, locations, SpecVectors.All, null, null, null, limits.MaxAlignedLength);
            double tPlan = Lap(sw);
            var counter = new CountingStream();
            SpectrumNpy.WriteAsync(rows, true, System.IO.Pipelines.PipeWriter.Create(counter), CancellationToken.None).GetAwaiter().GetResult();
            double tWrite = Lap(sw);
            double tCtx = 0, tOne = 0, tOneWrite = 0;
            const int Singles = 200;
            for (int k = 0; k < Singles; k++)
            {
                SpecContexts.Resolve(archive, VoSpec.Server.Access.AccessRights.Everything, "default");
                tCtx += Lap(sw);
                var one = SpectrumResolver.Resolve(archive, context, [parsed[k % parsed.Count]]);
                tOne += Lap(sw);
                var single = SpectrumRows.Single(archive, one[0], SpecVectors.All);
                SpectrumNpy.WriteAsync(single, false, System.IO.Pipelines.PipeWriter.Create(Stream.Null), CancellationToken.None).GetAwaiter().GetResult();
                tOneWrite += Lap(sw);
            }
            double tSingle = (tCtx + tOne + tOneWrite) / Singles;
            Console.WriteLine($"round {round}: {n} ids: parse {tParse:0.0} ms, resolve {tResolve:0.0} ms, plan {tPlan:0.0} ms, " +
                $".npy {tWrite:0.0} ms ({counter.Bytes / 1e6:0.0} MB, {counter.Bytes / 1e6 / tWrite:0.0} GB/s) → {n / (tParse + tResolve + tPlan + tWrite) * 1000:0} spectra/s; " +
                $"single id {tSingle:0.000} ms (context {tCtx / Singles:0.000}, resolve {tOne / Singles:0.000}, .npy {tOneWrite / Singles:0.000})");

            // stackedImage at its natural size (gray): resolve, align, normalise and bin, PNG.
            sw.Restart();
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var stackLocations = SpectrumResolver.Resolve(archive, context, parsed);
            var stackRows = SpectrumRows.Align(archive, stackLocations, [SpecVector.Loglam, SpecVector.Flux, SpecVector.Ivar], null, null, null, limits.MaxAlignedLength);
            double tStackPlan = Lap(sw);
            int w = Math.Min(stackRows.Length, 4000), h = stackRows.Count;
            var image = StackedImage.Render(stackRows, w, h, false, parallelism, CancellationToken.None);
            double tRender = Lap(sw);
            var png = new CountingStream();
            image.WritePng(VoSpec.Engine.Plotting.ColorMap.Find("gray")!, png, parallelism);
            double tPng = Lap(sw);
            double cpuMs = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds;
            Console.WriteLine($"         stackedImage {w}x{h} on {parallelism} threads: resolve+plan {tStackPlan:0.0} ms, normalise+bin {tRender:0.0} ms, " +
                $"PNG {tPng:0.0} ms ({png.Bytes / 1e6:0.0} MB) = {tStackPlan + tRender + tPng:0} ms (CPU {cpuMs:0} ms)");
        }
    }

    private static double Lap(Stopwatch sw)
    {
        double ms = sw.Elapsed.TotalMilliseconds;
        sw.Restart();
        return ms;
    }

    private sealed class CountingStream : Stream
    {
        public long Bytes;
        public override void Write(byte[] buffer, int offset, int count) => Bytes += count;
        public override void Write(ReadOnlySpan<byte> buffer) => Bytes += buffer.Length;
        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken ct = default) { Bytes += buffer.Length; return ValueTask.CompletedTask; }
        public override void Flush() { }
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => Bytes;
        public override long Position { get => Bytes; set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
