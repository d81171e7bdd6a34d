using VoSpec.Core.Schema;

namespace VoSpec.VOTable;

/// <summary>
/// A FIELD (and the typing part of a PARAM): name, VOTable type (datatype, arraysize, xtype) and metadata.
/// Result columns come from schemas/ through <see cref="FromColumn"/>, so no unit or UCD is written twice.
/// </summary>
public sealed record VOTableField(string Name, string Datatype)
{
    public string? Arraysize { get; init; }
    public string? Xtype { get; init; }
    public string? Unit { get; init; }
    public string? Ucd { get; init; }
    public string? Utype { get; init; }
    public string? Description { get; init; }
    /// <summary>XML ID, e.g. for a service descriptor's row-bound parameter to <c>ref</c>.</summary>
    public string? ID { get; init; }
    /// <summary>Reference to a COOSYS/TIMESYS ID.</summary>
    public string? Ref { get; init; }
    /// <summary>Magic null (<c>VALUES null</c>) read from a document; the writer never emits it (null flags / empty TD instead).</summary>
    public string? NullValue { get; init; }

    public static VOTableField FromColumn(ColumnSchema c, string? nameOverride = null) => new(nameOverride ?? c.Name, c.Datatype)
    {
        Arraysize = c.Arraysize,
        Xtype = c.Xtype,
        Unit = c.Unit,
        Ucd = c.Ucd,
        Utype = c.Utype,
        Description = string.IsNullOrEmpty(c.Description) ? null : c.Description,
    };

    /// <summary>A variable-length string FIELD (<c>char</c>, <c>arraysize="*"</c>).</summary>
    public static VOTableField Text(string name, string? ucd = null) => new(name, "char") { Arraysize = "*", Ucd = ucd };

    public VOTableDatatype ParsedDatatype => VOTableDatatypes.TryParse(Datatype, out var t)
        ? t : throw new VOTableFormatException($"FIELD '{Name}': unknown datatype '{Datatype}'");
}
