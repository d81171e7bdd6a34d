using System.Buffers.Text;
using System.Text;
using System.Text.RegularExpressions;

namespace VoSpec.Bench;

/// <summary>
/// Counts the rows of a BINARY2 VOTable while it streams in, so the benchmark's rows/s are rows that arrived: reads the
/// FIELDs' datatype and arraysize from the header, base64-decodes the STREAM and walks every row (null flags, fixed
/// cells, count-prefixed variable cells); a row cut short, or bytes left over, fail. Cell values are not converted.
/// </summary>
internal static partial class Binary2RowCounter
{
    public sealed record Result(long Rows, long ResponseBytes, long RowBytes, string Statuses);

    // The counter shares the two cores with the server: its loops are compiled optimised from the first call.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static Result Count(Stream body)
    {
        var text = new byte[1 << 20];
        int have = 0;
        long total = 0;
        // Header: up to the start of the base64 text.
        int streamAt;
        while ((streamAt = text.AsSpan(0, have).IndexOf("<STREAM encoding=\"base64\">"u8)) < 0)
        {
            if (have == text.Length) Array.Resize(ref text, text.Length * 2);
            int got = body.Read(text, have, text.Length - have);
            if (got == 0) throw new InvalidDataException("no BINARY2 STREAM in the response: " + Encoding.UTF8.GetString(text, 0, Math.Min(have, 2000)));
            have += got;
            total += got;
        }
        var header = Encoding.UTF8.GetString(text, 0, streamAt);
        var widths = Widths(header);
        int pos = streamAt + "<STREAM encoding=\"base64\">".Length;

        var walker = new RowWalker(widths);
        var trailer = new MemoryStream();
        // Base64.DecodeFromUtf8 skips the line breaks itself, so the text is decoded where it was received; the few
        // characters of an unfinished quad move to the front and the next read appends to them.
        while (true)
        {
            var chunk = text.AsSpan(pos, have - pos);
            int end = chunk.IndexOf((byte)'<');
            bool ended = end >= 0;
            if (ended) { trailer.Write(chunk[end..]); chunk = chunk[..end]; }
            int consumed = walker.Decode(chunk, final: ended);
            if (ended) break;
            int left = chunk.Length - consumed;
            chunk[consumed..].CopyTo(text);
            int got = body.Read(text, left, text.Length - left);
            if (got == 0) throw new InvalidDataException("the response ended inside the BINARY2 STREAM");
            total += got;
            have = left + got;
            pos = 0;
        }
        int got2;
        while ((got2 = body.Read(text, 0, text.Length)) > 0) { trailer.Write(text, 0, got2); total += got2; }
        walker.Finish();
        var tail = Encoding.UTF8.GetString(trailer.ToArray());
        var statuses = StatusInfo().Matches(header + tail).Select(m => m.Groups[1].Value);
        return new Result(walker.Rows, total, walker.Bytes, string.Join(", then ", statuses));
    }

    /// <summary>Per FIELD: a fixed cell's bytes (≥ 0), or minus the element size of a count-prefixed variable cell (bits: -1/8 → special).</summary>
    private static int[] Widths(string header)
    {
        var widths = new List<int>();
        foreach (Match f in FieldTag().Matches(header))
        {
            string type = Attr(f.Value, "datatype") ?? throw new InvalidDataException("FIELD without datatype: " + f.Value);
            string? size = Attr(f.Value, "arraysize");
            int element = type switch
            {
                "boolean" or "unsignedByte" or "char" => 1,
                "short" or "unicodeChar" => 2,
                "int" or "float" => 4,
                "long" or "double" or "floatComplex" => 8,
                "doubleComplex" => 16,
                "bit" => 0,
                _ => throw new InvalidDataException("unknown datatype " + type),
            };
            if (size is null) { widths.Add(element == 0 ? 1 : element); continue; }
            var dims = size.Split('x');
            long fixedCount = 1;
            foreach (var d in dims[..^1]) fixedCount *= long.Parse(d);
            if (dims[^1].EndsWith('*')) { widths.Add(element == 0 ? BitArray : -element); continue; }
            long n = fixedCount * long.Parse(dims[^1]);
            widths.Add(element == 0 ? (int)((n + 7) / 8) : checked((int)(n * element)));
        }
        if (widths.Count == 0) throw new InvalidDataException("no FIELD before the STREAM");
        return [.. widths];
    }

    private const int BitArray = int.MinValue;

    private static string? Attr(string tag, string name)
    {
        var m = Regex.Match(tag, $@"\s{name}=""([^""]*)""");
        return m.Success ? m.Groups[1].Value : null;
    }

    [GeneratedRegex(@"<FIELD\b[^>]*>")]
    private static partial Regex FieldTag();

    [GeneratedRegex(@"<INFO\b[^>]*name=""QUERY_STATUS""[^>]*value=""([^""]*)""")]
    private static partial Regex StatusInfo();

    /// <summary>Decoded bytes in, whole rows counted; a partial row waits for the next chunk.</summary>
    private sealed class RowWalker(int[] widths)
    {
        private readonly int _flags = (widths.Length + 7) / 8;
        private byte[] _data = new byte[1 << 20];
        private int _used;

        public long Rows { get; private set; }
        public long Bytes { get; private set; }

        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
        /// <summary>Decodes what it can (all of it when final) and walks the rows; returns the base64 characters used.</summary>
        public int Decode(ReadOnlySpan<byte> base64, bool final)
        {
            int max = Base64.GetMaxDecodedFromUtf8Length(base64.Length);
            if (_data.Length - _used < max) Array.Resize(ref _data, _used + max);
            var status = Base64.DecodeFromUtf8(base64, _data.AsSpan(_used), out int consumed, out int written, final);
            bool ok = status == System.Buffers.OperationStatus.Done ? consumed == base64.Length : !final && status == System.Buffers.OperationStatus.NeedMoreData;
            if (!ok) throw new InvalidDataException($"bad base64 in the STREAM ({status})");
            _used += written;
            Bytes += written;
            int at = Walk(_data.AsSpan(0, _used));
            _data.AsSpan(at, _used - at).CopyTo(_data);
            _used -= at;
            return consumed;
        }

        public void Finish()
        {
            if (_used != 0) throw new InvalidDataException($"{_used} bytes after the last whole row");
        }

        /// <summary>Counts the whole rows at the start of data; returns where the first incomplete one starts.</summary>
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
        private int Walk(ReadOnlySpan<byte> data)
        {
            int at = 0;
            while (true)
            {
                int p = at + _flags;
                foreach (int w in widths)
                {
                    if (w >= 0) { p += w; continue; }
                    if (p + 4 > data.Length) return at;
                    long count = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(data[p..]);
                    if (count < 0) throw new InvalidDataException($"negative count in row {Rows + 1}");
                    p += 4 + (int)(w == BitArray ? (count + 7) / 8 : count * -w);
                    if (p > data.Length) return at;
                }
                if (p > data.Length) return at;
                at = p;
                Rows++;
            }
        }
    }
}
