using System.Text;
using CsCheck;

namespace VoSpec.Fuzzing;

/// <summary>
/// Mutation of valid inputs, the second half of every generator: byte-level (bit flips, interesting bytes, cuts,
/// repeats, splices) for binary files, and text-level (the same plus tokens from the language's own vocabulary)
/// for query languages and XML. A few stacked mutations per input, as AFL does.
/// </summary>
public static class Mutator
{
    private static readonly byte[] InterestingBytes = [0, 1, 0x7f, 0x80, 0xff, (byte)' ', (byte)'\'', (byte)'"', (byte)'=', (byte)'/', (byte)'-', (byte)'9'];

    public static byte[] Bytes(PCG r, byte[] input, int maxMutations = 4)
    {
        var b = new List<byte>(input);
        int n = 1 + r.Int(maxMutations);
        for (int k = 0; k < n; k++)
        {
            if (b.Count == 0) { b.Add((byte)r.Next(256)); continue; }
            int at = r.Int(b.Count);
            switch (r.Int(9))
            {
                case 0: case 1: b[at] ^= (byte)(1 << r.Int(8)); break;
                case 2: b[at] = InterestingBytes[r.Int(InterestingBytes.Length)]; break;
                case 3: b[at] = (byte)r.Next(256); break;
                case 4: b.RemoveRange(at, Math.Min(b.Count - at, 1 + r.Int(64))); break;
                case 5: b.RemoveRange(at, b.Count - at); break; // truncate
                case 6:
                {
                    int len = Math.Min(b.Count - at, 1 + r.Int(256));
                    var chunk = b.GetRange(at, len);
                    b.InsertRange(r.Int(b.Count), chunk);
                    break;
                }
                case 7: b.InsertRange(at, Enumerable.Range(0, 1 + r.Int(16)).Select(_ => (byte)r.Next(256))); break;
                default:
                {
                    // Overwrite 2/4/8 bytes with an extreme integer, big-endian as FITS stores them.
                    long v = r.Pick<long>([0, -1, int.MaxValue, int.MinValue, long.MaxValue, long.MinValue, 0x7ff8_0000_0000_0000, 65535]);
                    int width = r.Pick<int>([2, 4, 8]);
                    for (int i = 0; i < width && at + i < b.Count; i++) b[at + i] = (byte)(v >> (8 * (width - 1 - i)));
                    break;
                }
            }
        }
        return [.. b];
    }

    public static string Text(PCG r, string input, IReadOnlyList<string> vocabulary, int maxMutations = 3)
    {
        var s = new StringBuilder(input);
        int n = 1 + r.Int(maxMutations);
        for (int k = 0; k < n; k++)
        {
            int at = r.Int(s.Length + 1);
            switch (r.Int(10))
            {
                case 0: if (s.Length > 0 && at < s.Length) s.Remove(at, Math.Min(s.Length - at, 1 + r.Int(8))); break;
                case 1: s.Insert(at, vocabulary[r.Int(vocabulary.Count)]); break;
                case 2: s.Insert(at, " " + vocabulary[r.Int(vocabulary.Count)] + " "); break;
                case 3: if (at < s.Length) s[at] = (char)r.Int(32, 127); break;
                case 4: s.Insert(at, Weird[r.Int(Weird.Length)]); break;
                case 5: s.Length = at; break;
                case 6:
                    if (s.Length > 0)
                    {
                        int from = r.Int(s.Length), len = Math.Min(s.Length - from, 1 + r.Int(40));
                        s.Insert(at, s.ToString(from, len));
                    }
                    break;
                case 7: if (at < s.Length) s[at] = (char)r.Int(0x80, 0x3000); break;
                case 8:
                    // Swap a number for an extreme one.
                    s.Insert(at, r.Pick(ExtremeNumbers));
                    break;
                default:
                    if (s.Length > 0)
                    {
                        int from = r.Int(s.Length), len = Math.Min(s.Length - from, 1 + r.Int(20));
                        s.Remove(from, len);
                        s.Insert(Math.Min(at, s.Length), vocabulary[r.Int(vocabulary.Count)]);
                    }
                    break;
            }
        }
        return s.ToString();
    }

    public static readonly string[] ExtremeNumbers =
    [
        "0", "-0", "1e308", "1e309", "-1e309", "9223372036854775807", "9223372036854775808", "-9223372036854775809",
        "18446744073709551616", "1e-400", "NaN", "Infinity", "-Infinity", "0x7fffffff", "2147483648", ".", "1.", ".5e", "1e", "00000000000000000001",
    ];

    private static readonly string[] Weird =
    [
        "'", "\"", "''", "\"\"", "(", ")", ",", ";", "--", "/*", "*/", "\\", "\n", "\r\n", "\t", "\u00a0", "\ufeff", "\u202e", "\ud800", "é", "𝔸",
        "%", "_", "[", "]", "{", "}", "<", ">", "&", "&amp;", "]]>", "<!--", "?", "$1", ":x", "@x",
    ];
}
