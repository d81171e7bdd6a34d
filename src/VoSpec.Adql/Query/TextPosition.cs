namespace VoSpec.Adql;

/// <summary>
/// Where a node starts in the ADQL text (1-based line and column). Positions never take part in
/// tree equality: a query and its reprinted text must compare equal.
/// </summary>
public readonly struct TextPosition(int line, int column) : IEquatable<TextPosition>
{
    public int Line { get; } = line;
    public int Column { get; } = column;
    public static TextPosition None => default;

    public bool Equals(TextPosition other) => true;
    public override bool Equals(object? obj) => obj is TextPosition;
    public override int GetHashCode() => 0;
    public static bool operator ==(TextPosition a, TextPosition b) => true;
    public static bool operator !=(TextPosition a, TextPosition b) => false;
    public override string ToString() => $"line {Line}, column {Column}";
}
