using System.Globalization;

namespace VoSpec.Fits;

/// <summary>
/// A binary-table column format (TFORMn): repeat count and type letter, e.g. "3E", "20A", "13X",
/// or a variable-length array descriptor "1PE(100)" / "QD" whose elements live in the heap.
/// </summary>
public readonly record struct TForm(int Repeat, char Type, char ArrayType = '\0', long MaxLength = 0)
{
    public bool IsVariableLength => Type is 'P' or 'Q';

    /// <summary>Type letter of the values: the element type for P/Q, else <see cref="Type"/>.</summary>
    public char ValueType => IsVariableLength ? ArrayType : Type;

    /// <summary>Bytes in a row taken by this column.</summary>
    public int Width => Type switch
    {
        'X' => (Repeat + 7) / 8,
        'P' => Repeat == 0 ? 0 : 8,
        'Q' => Repeat == 0 ? 0 : 16,
        _ => Repeat * ElementSize(Type),
    };

    /// <summary>Bytes per value of a type letter (X counts as one byte per 8 bits and is handled by <see cref="Width"/>).</summary>
    public static int ElementSize(char type) => type switch
    {
        'L' or 'B' or 'A' or 'X' => 1,
        'I' => 2,
        'J' or 'E' => 4,
        'K' or 'D' or 'C' or 'P' => 8,
        'M' or 'Q' => 16,
        _ => throw new ArgumentOutOfRangeException(nameof(type), $"unknown TFORM type '{type}'"),
    };

    public static TForm Parse(string text)
    {
        string s = text.Trim().ToUpperInvariant();
        int i = 0;
        while (i < s.Length && char.IsAsciiDigit(s[i])) i++;
        int repeat = 1;
        if (i > 0 && !int.TryParse(s.AsSpan(0, i), NumberStyles.None, CultureInfo.InvariantCulture, out repeat))
            throw new FitsFormatException($"TFORM '{text}' has a repeat count too large");
        if (i >= s.Length || "LXBIJKAEDCMPQ".IndexOf(s[i]) < 0)
            throw new FitsFormatException($"TFORM '{text}' has no valid type letter (L X B I J K A E D C M P Q)");
        char type = s[i];
        if (type is not ('P' or 'Q')) return new TForm(repeat, type);

        if (repeat > 1) throw new FitsFormatException($"TFORM '{text}': a variable-length descriptor has repeat 0 or 1");
        if (i + 1 >= s.Length || "LXBIJKAEDCM".IndexOf(s[i + 1]) < 0)
            throw new FitsFormatException($"TFORM '{text}' has no element type after {type}");
        long max = 0;
        int open = s.IndexOf('(', i + 2), close = s.IndexOf(')', i + 2);
        if (open >= 0 && close > open + 1)
            long.TryParse(s.AsSpan(open + 1, close - open - 1), NumberStyles.None, CultureInfo.InvariantCulture, out max);
        return new TForm(repeat, type, s[i + 1], max);
    }

    public override string ToString() => IsVariableLength
        ? $"{Repeat}{Type}{ArrayType}({MaxLength})"
        : $"{Repeat}{Type}";
}
