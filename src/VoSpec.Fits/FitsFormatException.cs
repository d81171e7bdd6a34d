namespace VoSpec.Fits;

/// <summary>
/// A file that is not valid FITS, or not the layout a reader expects. The message is one line
/// naming the file (when known) and what is wrong, fit to show an operator or a log.
/// </summary>
public sealed class FitsFormatException : Exception
{
    public FitsFormatException(string message) : base(message) { }

    public FitsFormatException(string message, Exception inner) : base(message, inner) { }
}
