namespace VoSpec.Core.Schema;

/// <summary>
/// One column as declared in schemas/: its VOTable type (datatype, arraysize, xtype), unit, UCD,
/// utype and description. Internal columns exist in the database but are never published.
/// </summary>
public sealed record ColumnSchema
{
    public required string Name { get; init; }
    /// <summary>VOTable datatype: boolean, short, int, long, float, double, char, unicodeChar.</summary>
    public required string Datatype { get; init; }
    public string? Arraysize { get; init; }
    public string? Xtype { get; init; }
    public string? Unit { get; init; }
    public string? Ucd { get; init; }
    public string? Utype { get; init; }
    public string Description { get; init; } = "";
    public bool Principal { get; init; }
    public bool Std { get; init; }
    public bool Indexed { get; init; }
    public bool NotNull { get; init; }
    public bool Internal { get; init; }
    /// <summary>The row key in SQLite (INTEGER PRIMARY KEY); always internal.</summary>
    public bool PrimaryKey { get; init; }

    /// <summary>
    /// Stored relative to the server's public URL (e.g. <c>datalink/links?ID=…</c>) and answered with the URL configured
    /// at the time of the answer in front: moving the archive to another address rewrites no row.
    /// </summary>
    public bool PublicUrlRelative { get; init; }

    /// <summary>For response tables computed by a query (the SSA fields): the SQL expression over the catalogue.</summary>
    public string? Sql { get; init; }

    /// <summary>True for names that are ADQL reserved words (TAP_SCHEMA.columns."size"): always written in quotes.</summary>
    public bool Delimited { get; init; }

    /// <summary>The name as ADQL users write it and TAP_SCHEMA/VOSI publish it.</summary>
    public string AdqlName => Delimited ? "\"" + Name + "\"" : Name;

    /// <summary>The SQLite storage class for this column's declared type.</summary>
    public string SqliteType => Datatype switch
    {
        "boolean" or "short" or "int" or "long" or "unsignedByte" => "INTEGER",
        "float" or "double" => "REAL",
        "char" or "unicodeChar" => "TEXT",
        _ => throw new InvalidDataException($"column {Name}: unknown datatype '{Datatype}'"),
    };
}
