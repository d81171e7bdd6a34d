namespace VoSpec.VOTable;

/// <summary>
/// What streaming a result table did: rows written and whether the reader had more rows than the limit
/// (then a VOTable caller appends <c>INFO QUERY_STATUS=OVERFLOW</c> after &lt;/TABLE&gt;).
/// </summary>
public readonly record struct TableWriteResult(long RowsWritten, bool Overflow);
