namespace VoSpec.VOTable;

/// <summary>How a TABLE's rows are written. BINARY (without null flags) and FITS are read, never written.</summary>
public enum Serialization
{
    /// <summary>XML rows: &lt;TR&gt;&lt;TD&gt;…&lt;/TD&gt;&lt;/TR&gt;.</summary>
    TableData,
    /// <summary>Base64 STREAM of big-endian rows, each led by its null-flag bytes.</summary>
    Binary2,
}
