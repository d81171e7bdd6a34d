using VoSpec.VOTable;
using ServiceDescriptor = VoSpec.VOTable.ServiceDescriptor;

namespace VoSpec.Server.DataLink;

/// <summary>The columns of a DataLink 1.1 links table, declared once (names, types, UCDs as the standard gives them).</summary>
public static class LinkColumns
{
    public static readonly IReadOnlyList<VOTableField> Fields =
    [
        VOTableField.Text("ID", "meta.id;meta.main") with { Description = "The identifier as submitted" },
        VOTableField.Text("access_url", "meta.ref.url") with { Description = "URL of the linked resource" },
        VOTableField.Text("service_def", "meta.ref") with { Description = "ID of the service descriptor RESOURCE to invoke" },
        VOTableField.Text("error_message", "meta.code.error") with { Description = "Why this link could not be made" },
        VOTableField.Text("description", "meta.note") with { Description = "What the link leads to" },
        VOTableField.Text("semantics", "meta.code") with { Description = "Term from http://www.ivoa.net/rdf/datalink/core" },
        VOTableField.Text("content_type", "meta.code.mime") with { Description = "MIME type of the linked resource" },
        new VOTableField("content_length", "long") { Unit = "byte", Ucd = "phys.size;meta.file", Description = "Size of the linked resource" },
        VOTableField.Text("content_qualifier") with { Description = "Product type of the linked resource (http://www.ivoa.net/rdf/product-type)" },
        VOTableField.Text("local_semantics", "meta.id.assoc") with { Description = "Tag of equivalent links across identifiers" },
    ];

    public const string ContentType = ServiceDescriptor.DataLinkContentType;
}

/// <summary>One row of a links table.</summary>
public sealed record Link(string Id, string Semantics, string Description)
{
    public string? AccessUrl { get; init; }
    public string? ServiceDef { get; init; }
    public string? ErrorMessage { get; init; }
    public string? ContentType { get; init; }
    public long? ContentLength { get; init; }
    public string? ContentQualifier { get; init; }
    public string? LocalSemantics { get; init; }

    public void Write(VOTableWriter w)
    {
        w.WriteString(Id);
        w.WriteString(AccessUrl);
        w.WriteString(ServiceDef);
        w.WriteString(ErrorMessage);
        w.WriteString(Description);
        w.WriteString(Semantics);
        w.WriteString(ContentType);
        if (ContentLength is long n) w.WriteInt64(n); else w.WriteNull();
        w.WriteString(ContentQualifier);
        w.WriteString(LocalSemantics);
        w.EndRow();
    }
}
