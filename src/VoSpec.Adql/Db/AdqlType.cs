using VoSpec.Core.Schema;

namespace VoSpec.Adql.Db;

/// <summary>The VOTable type of a value (datatype, arraysize, xtype), as TAP results declare it.</summary>
public sealed record AdqlType(string Datatype, string? Arraysize = null, string? Xtype = null)
{
    public static readonly AdqlType Short = new("short");
    public static readonly AdqlType Int = new("int");
    public static readonly AdqlType Long = new("long");
    public static readonly AdqlType Float = new("float");
    public static readonly AdqlType Double = new("double");
    public static readonly AdqlType String = new("char", "*");
    public static readonly AdqlType Timestamp = new("char", "*", "timestamp");
    public static readonly AdqlType Point = new("double", "2", "point");
    public static readonly AdqlType Circle = new("double", "3", "circle");
    public static readonly AdqlType Polygon = new("double", "*", "polygon");
    public static readonly AdqlType Region = new("char", "*", "adql:REGION");
    /// <summary>The type of a bare NULL: anything goes; char * when it reaches the output.</summary>
    public static readonly AdqlType Null = new("char", "*") { IsNull = true };

    public bool IsNull { get; private init; }

    public static AdqlType Of(ColumnSchema column) => new(column.Datatype, column.Arraysize, column.Xtype);

    public bool IsGeometry => Xtype is "point" or "circle" or "polygon" || string.Equals(Xtype, "adql:REGION", StringComparison.OrdinalIgnoreCase);
    public bool IsInteger => Arraysize is null && Datatype is "short" or "int" or "long" or "unsignedByte" or "boolean";
    public bool IsNumeric => IsInteger || (Arraysize is null && Datatype is "float" or "double");
    public bool IsString => !IsGeometry && Datatype is "char" or "unicodeChar";

    /// <summary>The wider of two numeric types (for arithmetic results).</summary>
    public static AdqlType Wider(AdqlType a, AdqlType b)
    {
        if (a.IsNull) return b.IsNull ? Double : b;
        if (b.IsNull) return a;
        if (!a.IsNumeric || !b.IsNumeric) return Double;
        if (a.IsInteger && b.IsInteger) return a.Datatype == "long" || b.Datatype == "long" ? Long : Int;
        return a.Datatype == "float" && b.Datatype == "float" ? Float : Double;
    }

    public override string ToString() => Datatype + (Arraysize is null ? "" : $"[{Arraysize}]") + (Xtype is null ? "" : $" ({Xtype})");
}
