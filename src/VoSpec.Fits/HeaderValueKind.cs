namespace VoSpec.Fits;

/// <summary>What a header card holds.</summary>
public enum HeaderValueKind
{
    /// <summary>COMMENT, HISTORY, blank keyword, or any keyword without "= ": only text.</summary>
    Commentary,
    /// <summary>"KEY     =" with nothing after it (an undefined value).</summary>
    Undefined,
    String,
    Logical,
    Integer,
    Float,
    Complex,
}
