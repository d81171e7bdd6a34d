namespace VoSpec.VOTable;

/// <summary>A VOTable document (or a value in it) that does not follow the standard; the message says what and where.</summary>
public sealed class VOTableFormatException : FormatException
{
    public VOTableFormatException(string message) : base(message) { }
    public VOTableFormatException(string message, Exception inner) : base(message, inner) { }
}
