using System.Xml;
using VoSpec.Core.Schema;

namespace VoSpec.Server.Vosi;

/// <summary>
/// VOSI tables (VODataService 1.1 tableset) written from schemas/, the same declarations that fill
/// TAP_SCHEMA, so taplint's column-by-column comparison of the two always agrees.
/// </summary>
public static class TablesDocument
{
    public static void WriteTableset(Stream output, IReadOnlyList<TableSchema> tables, bool withColumns)
    {
        using var w = VosiXml.Create(output);
        w.WriteStartDocument();
        w.WriteStartElement("vosi", "tableset", VosiXml.Tables);
        w.WriteAttributeString("xmlns", "vs", null, VosiXml.VoDataService);
        w.WriteAttributeString("xmlns", "xsi", null, VosiXml.Xsi);
        WriteSchemas(w, tables, withColumns);
        w.WriteEndElement();
        w.WriteEndDocument();
    }

    /// <summary>The tableset's schema elements: in the VOSI document and in the TAP service's registry record alike.</summary>
    public static void WriteSchemas(XmlWriter w, IReadOnlyList<TableSchema> tables, bool withColumns)
    {
        foreach (var group in tables.GroupBy(t => t.Schema))
        {
            w.WriteStartElement("schema");
            w.WriteElementString("name", group.Key);
            VosiXml.Element(w, "description", TapSchema.SchemaDescriptions.GetValueOrDefault(group.Key));
            foreach (var t in group) WriteTable(w, t, withColumns);
            w.WriteEndElement();
        }
    }

    /// <summary>One table as the root element (GET /tables/{name}).</summary>
    public static void WriteSingle(Stream output, TableSchema table)
    {
        using var w = VosiXml.Create(output);
        w.WriteStartDocument();
        w.WriteStartElement("vosi", "table", VosiXml.Tables);
        w.WriteAttributeString("xmlns", "vs", null, VosiXml.VoDataService);
        w.WriteAttributeString("xmlns", "xsi", null, VosiXml.Xsi);
        w.WriteAttributeString("type", "table");
        WriteTableContent(w, table, withColumns: true);
        w.WriteEndElement();
        w.WriteEndDocument();
    }

    private static void WriteTable(XmlWriter w, TableSchema t, bool withColumns)
    {
        w.WriteStartElement("table");
        w.WriteAttributeString("type", "table");
        WriteTableContent(w, t, withColumns);
        w.WriteEndElement();
    }

    private static void WriteTableContent(XmlWriter w, TableSchema t, bool withColumns)
    {
        w.WriteElementString("name", t.QualifiedName);
        VosiXml.Element(w, "description", t.Description);
        VosiXml.Element(w, "utype", t.Utype);
        if (!withColumns) return;
        foreach (var c in t.PublicColumns)
        {
            w.WriteStartElement("column");
            if (c.Std) w.WriteAttributeString("std", "true");
            w.WriteElementString("name", c.AdqlName);
            VosiXml.Element(w, "description", c.Description);
            VosiXml.Element(w, "unit", c.Unit);
            VosiXml.Element(w, "ucd", c.Ucd);
            VosiXml.Element(w, "utype", c.Utype);
            w.WriteStartElement("dataType");
            w.WriteAttributeString("xsi", "type", VosiXml.Xsi, "vs:VOTableType");
            if (c.Arraysize is not null) w.WriteAttributeString("arraysize", c.Arraysize);
            if (c.Xtype is not null) w.WriteAttributeString("extendedType", c.Xtype);
            w.WriteString(c.Datatype);
            w.WriteEndElement();
            if (c.Indexed) w.WriteElementString("flag", "indexed");
            if (c.Principal) w.WriteElementString("flag", "principal");
            if (!c.NotNull) w.WriteElementString("flag", "nullable");
            w.WriteEndElement();
        }
        foreach (var k in TapSchema.Keys.Where(k => k.From == t.QualifiedName))
        {
            w.WriteStartElement("foreignKey");
            w.WriteElementString("targetTable", k.Target);
            w.WriteStartElement("fkColumn");
            w.WriteElementString("fromColumn", k.FromColumn);
            w.WriteElementString("targetColumn", k.TargetColumn);
            w.WriteEndElement();
            w.WriteEndElement();
        }
    }
}
