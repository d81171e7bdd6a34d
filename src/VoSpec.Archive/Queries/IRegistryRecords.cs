namespace VoSpec.Archive.Queries;

/// <summary>
/// One registry record as published: its IVOA identifier, OAI-PMH set, body (the resource's XML without its dates),
/// when it was first published and last changed, and whether it was withdrawn (OAI-PMH keeps deleted records).
/// </summary>
public sealed record StoredRecord(string Identifier, string Set, string Body, DateTimeOffset Created, DateTimeOffset Updated, bool Deleted)
{
    private const string DateFormat = "yyyy-MM-dd'T'HH:mm:ss'Z'";

    /// <summary>A datestamp as the stores keep it (UTC, to the second: OAI-PMH's finest granularity).</summary>
    public static string Text(DateTimeOffset t) => t.UtcDateTime.ToString(DateFormat, System.Globalization.CultureInfo.InvariantCulture);

    public static DateTimeOffset Date(string s) =>
        DateTimeOffset.ParseExact(s, DateFormat, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal);
}

/// <summary>
/// The registry records kept with the archive, so that datestamps survive restarts and a withdrawn record stays
/// visible as deleted. A few dozen records: read and written whole.
/// </summary>
public interface IRegistryRecords
{
    /// <summary>Every record ever published, by identifier.</summary>
    IReadOnlyList<StoredRecord> Load();

    /// <summary>Stores new and changed records (replacing those with the same identifier), in one transaction.</summary>
    void Save(IReadOnlyCollection<StoredRecord> records);
}
