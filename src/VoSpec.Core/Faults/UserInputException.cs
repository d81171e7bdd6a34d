namespace VoSpec.Core.Faults;

/// <summary>
/// A mistake in what a user sent (a bad id, range, parameter). Protocol layers turn it into their
/// own error form (UsageFault text, QUERY_STATUS=ERROR, HTTP 400) — never a 500.
/// </summary>
public class UserInputException(string message) : Exception(message);

/// <summary>Something a user asked for that does not exist (an unknown spectrum id, collection).</summary>
public sealed class NotFoundException(string message) : UserInputException(message);
