namespace VoSpec.Adql;

/// <summary>
/// A query that cannot be run: a syntax error, a name that does not resolve, a function or feature
/// we do not offer. <see cref="Line"/> and <see cref="Column"/> (both 1-based) say where it stands
/// in the ADQL text; the message repeats them for people reading a TAP error document.
/// </summary>
public class AdqlException : Exception
{
    public AdqlException(string message, int line, int column)
        : base(line > 0 ? $"{message} (line {line}, column {column})" : message)
    {
        Line = line;
        Column = column;
        Detail = message;
    }

    public AdqlException(string message, TextPosition position) : this(message, position.Line, position.Column) { }

    public int Line { get; }
    public int Column { get; }
    /// <summary>The message without the position suffix.</summary>
    public string Detail { get; }
}

/// <summary>A name (table, column, function) that the metadata does not know, or knows more than once.</summary>
public sealed class AdqlResolutionException(string message, TextPosition position, string name)
    : AdqlException(message, position)
{
    public string Name { get; } = name;
}

/// <summary>Valid ADQL that this service does not offer (an undeclared optional feature, FULL JOIN on an old SQLite…).</summary>
public sealed class AdqlUnsupportedException(string message, TextPosition position) : AdqlException(message, position);
