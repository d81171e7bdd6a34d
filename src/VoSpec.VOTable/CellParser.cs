using System.Numerics;

namespace VoSpec.VOTable;

/// <summary>
/// Parses a TABLEDATA cell (TD text) to the same typed values the binary decoder produces. Empty → null for every
/// datatype; char text is kept verbatim (whitespace is significant); integers equal to VALUES null → null.
/// </summary>
internal static class CellParser
{
    public static object? Parse(FieldCodec c, string text, long row)
    {
        if (c.Kind == CellKind.Text)
        {
            if (text.Length == 0) return null;
            if (c.Size.Stride > 1)
            {
                int stride = c.Size.Stride;
                var parts = new string[(text.Length + stride - 1) / stride];
                for (int k = 0; k < parts.Length; k++) parts[k] = text.Substring(k * stride, Math.Min(stride, text.Length - k * stride)).TrimEnd('\0');
                return parts;
            }
            if (!c.IsArray && text.Length > 1) throw Bad(c, row, text, "a char without arraysize holds one character");
            return text;
        }
        var s = text.AsSpan().Trim();
        if (s.IsEmpty) return null;
        if (c.Kind == CellKind.Bit)
        {
            var bits = new List<bool>();
            foreach (char ch in s)
                if (ch is '0' or '1') bits.Add(ch == '1');
                else if (!char.IsWhiteSpace(ch)) throw Bad(c, row, text, "bits are 0 or 1");
            return c.IsArray ? CheckCount(c, row, text, bits.ToArray()) : bits.Count == 1 ? bits[0] : throw Bad(c, row, text, "one bit expected");
        }
        if (!c.IsArray) return Scalar(c, s, row, text);

        int n = Lexical.CountTokens(s);
        if (c.Kind == CellKind.Complex)
        {
            if (n % 2 != 0) throw Bad(c, row, text, "complex values come in pairs");
            var z = new Complex[n / 2];
            int p = 0;
            for (int k = 0; k < z.Length; k++) z[k] = new Complex(Real(c, Token(s, ref p), row, text), Real(c, Token(s, ref p), row, text));
            return CheckCount(c, row, text, z);
        }
        int pos = 0;
        switch (c.Type)
        {
            case VOTableDatatype.Boolean:
            {
                var a = new bool[n];
                for (int k = 0; k < n; k++)
                    a[k] = Lexical.TryParseBoolean(Token(s, ref pos), out bool? b) ? b ?? false : throw Bad(c, row, text, "not a boolean");
                return CheckCount(c, row, text, a);
            }
            case VOTableDatatype.UnsignedByte: return CheckCount(c, row, text, Integers<byte>(c, s, n, row, text));
            case VOTableDatatype.Short: return CheckCount(c, row, text, Integers<short>(c, s, n, row, text));
            case VOTableDatatype.Int: return CheckCount(c, row, text, Integers<int>(c, s, n, row, text));
            case VOTableDatatype.Long: return CheckCount(c, row, text, Integers<long>(c, s, n, row, text));
            case VOTableDatatype.Float:
            {
                var a = new float[n];
                for (int k = 0; k < n; k++) a[k] = (float)Real(c, Token(s, ref pos), row, text);
                return CheckCount(c, row, text, a);
            }
            default:
            {
                var a = new double[n];
                for (int k = 0; k < n; k++) a[k] = Real(c, Token(s, ref pos), row, text);
                return CheckCount(c, row, text, a);
            }
        }
    }

    private static object? Scalar(FieldCodec c, ReadOnlySpan<char> s, long row, string text)
    {
        switch (c.Kind)
        {
            case CellKind.Boolean:
                return Lexical.TryParseBoolean(s, out bool? b) ? b : throw Bad(c, row, text, "not a boolean (T, F, true, false, 1, 0, ?)");
            case CellKind.Integer:
                if (!Lexical.TryParseInteger(s, out long l)) throw Bad(c, row, text, "not an integer");
                if (c.MagicNull == l) return null;
                var (min, max) = c.IntegerRange;
                // Hex forms may spell negative values by their bit pattern (0xFFFF for a short -1).
                if (s.Length > 2 && s[1] is 'x' or 'X' && c.Type is VOTableDatatype.Short or VOTableDatatype.Int && l >= 0 && l <= (c.Type == VOTableDatatype.Short ? 0xFFFF : 0xFFFFFFFFL))
                    l = c.Type == VOTableDatatype.Short ? (short)l : (int)l;
                if (l < min || l > max) throw Bad(c, row, text, $"out of range for {c.Field.Datatype}");
                return c.Type switch
                {
                    VOTableDatatype.UnsignedByte => (byte)l,
                    VOTableDatatype.Short => (short)l,
                    VOTableDatatype.Int => (int)l,
                    _ => (object)l,
                };
            case CellKind.Real:
                double d = Real(c, s, row, text);
                return c.IsFloat ? (object)(float)d : d;
            default:
            {
                int p = 0;
                var z = new Complex(Real(c, Token(s, ref p), row, text), Real(c, Token(s, ref p), row, text));
                return z;
            }
        }
    }

    private static T[] Integers<T>(FieldCodec c, ReadOnlySpan<char> s, int n, long row, string text) where T : IBinaryInteger<T>
    {
        var a = new T[n];
        int pos = 0;
        var (min, max) = c.IntegerRange;
        for (int k = 0; k < n; k++)
        {
            if (!Lexical.TryParseInteger(Token(s, ref pos), out long l) || l < min || l > max) throw Bad(c, row, text, $"not a list of {c.Field.Datatype}");
            a[k] = T.CreateTruncating(l);
        }
        return a;
    }

    private static double Real(FieldCodec c, ReadOnlySpan<char> s, long row, string text) =>
        Lexical.TryParseReal(s, out double d) ? d : throw Bad(c, row, text, "not a number");

    private static ReadOnlySpan<char> Token(ReadOnlySpan<char> s, ref int pos) =>
        Lexical.NextToken(s, ref pos, out var t) ? t : ReadOnlySpan<char>.Empty;

    private static T[] CheckCount<T>(FieldCodec c, long row, string text, T[] a) =>
        c.Size.Allows(a.Length) ? a : throw Bad(c, row, text, $"{a.Length} values where the arraysize allows {c.Size.Describe()}");

    private static VOTableFormatException Bad(FieldCodec c, long row, string text, string why) =>
        new($"row {row}, FIELD '{c.Name}' ({c.Field.Datatype}): '{(text.Length > 60 ? text[..60] + "…" : text)}' — {why}");
}
