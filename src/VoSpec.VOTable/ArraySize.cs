using System.Globalization;

namespace VoSpec.VOTable;

/// <summary>
/// A parsed <c>arraysize</c>: "n", "n*", "*", or multi-dimensional "2x3x*" (only the last dimension may vary).
/// Counts are total elements; a variable array's count must be a multiple of the fixed leading dimensions.
/// </summary>
internal readonly record struct ArraySize(bool IsArray, bool IsVariable, int FixedCount, int MaxCount, int Stride)
{
    public static readonly ArraySize Scalar = new(false, false, 1, 1, 1);

    public static ArraySize Parse(string? text, string fieldName)
    {
        if (string.IsNullOrWhiteSpace(text)) return Scalar;
        var dims = text.Trim().Split('x');
        long stride = 1;
        for (int i = 0; i < dims.Length - 1; i++)
            stride *= ParseDim(dims[i], text, fieldName);
        string last = dims[^1];
        if (stride > int.MaxValue) throw Bad(text, fieldName);
        if (last == "*") return new ArraySize(true, true, -1, int.MaxValue, (int)stride);
        if (last.EndsWith('*'))
        {
            long max = stride * ParseDim(last[..^1], text, fieldName);
            return new ArraySize(true, true, -1, (int)Math.Min(max, int.MaxValue), (int)stride);
        }
        long count = stride * ParseDim(last, text, fieldName);
        if (count > int.MaxValue) throw Bad(text, fieldName);
        // arraysize="1" is legal XML but the standard says to omit it; treat it as a one-element array.
        return new ArraySize(true, false, (int)count, (int)count, (int)stride);
    }

    private static long ParseDim(string s, string text, string fieldName) =>
        long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out long n) && n > 0 ? n : throw Bad(text, fieldName);

    private static VOTableFormatException Bad(string text, string fieldName) =>
        new($"FIELD '{fieldName}': arraysize '{text}' is not n, n*, * or AxBx… with positive integers");

    public bool Allows(int count) =>
        IsVariable ? count <= MaxCount && count % Stride == 0 : count == FixedCount;

    public string Describe() => IsVariable
        ? (MaxCount == int.MaxValue ? "a variable count" : $"at most {MaxCount}") + (Stride > 1 ? $" (multiple of {Stride})" : "")
        : $"exactly {FixedCount}";
}
