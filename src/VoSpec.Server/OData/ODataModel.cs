using Microsoft.OData.Edm;
using Microsoft.OData.Edm.Vocabularies;
using Microsoft.OData.Edm.Vocabularies.V1;
using VoSpec.Core.Schema;

namespace VoSpec.Server.OData;

/// <summary>One entity set of the feed: its table in schemas/, its EDM type and the columns it shows.</summary>
public sealed record ODataSet(string Name, TableSchema Table, IEdmEntityType Type, IEdmEntitySet EntitySet, IReadOnlyList<ColumnSchema> Columns,
    IReadOnlyList<string> Key, string Ra, string Dec)
{
    /// <summary>The computed Edm.GeographyPoint of each row (longitude = RA, latitude = Dec, degrees).</summary>
    public const string Position = "position";
}

/// <summary>
/// The OData feed's entity data model, generated from schemas/ like TAP_SCHEMA and the VOSI tables: one entity set
/// per published catalogue table (ivoa.obscore as <c>obscore</c>, spec.specobj as <c>specobj</c>), one property per
/// public column with the EDM type of its VOTable datatype, its description (Core.Description) and its unit
/// (Measures.Unit), plus a computed <c>position</c> (Edm.GeographyPoint) for geo.distance and geo.intersects.
/// </summary>
public static class ODataModel
{
    public const string Namespace = "VoSpec";
    public const string MeasuresNamespace = "Org.OData.Measures.V1";
    public const string MeasuresUrl = "https://oasis-tcs.github.io/odata-vocabularies/vocabularies/Org.OData.Measures.V1.xml";

    /// <summary>The instance annotation on each ObsCore row giving its DataLink {links} URL (<c>@VoSpec.DataLink</c>).</summary>
    public const string DataLinkTerm = "DataLink";

    private static readonly Lazy<(IEdmModel Model, IReadOnlyList<ODataSet> Sets)> Built = new(Build);
    public static IEdmModel Model => Built.Value.Model;
    public static IReadOnlyList<ODataSet> Sets => Built.Value.Sets;
    public static ODataSet? Find(string name) => Sets.FirstOrDefault(s => s.Name == name);

    private static (IEdmModel, IReadOnlyList<ODataSet>) Build()
    {
        var model = new EdmModel();
        var unitTerm = new EdmTerm(MeasuresNamespace, "Unit", EdmPrimitiveTypeKind.String, "Property");
        model.AddElement(new EdmTerm(Namespace, DataLinkTerm, EdmPrimitiveTypeKind.String, "EntityType"));
        var container = new EdmEntityContainer(Namespace, "Archive");
        model.AddElement(container);
        var sets = new List<ODataSet>();
        foreach (var (name, typeName, table, key, ra, dec) in new[]
        {
            ("obscore", "ObsCore", SchemaCatalog.ObsCore, new[] { "obs_publisher_did" }, "s_ra", "s_dec"),
            ("specobj", "SpecObj", SchemaCatalog.SpecObj, new[] { "collection", "specobjid" }, "ra", "dec"),
        })
        {
            // ObsCore rows are media entities: their stream is the spectrum (DataLink's #this).
            var type = new EdmEntityType(Namespace, typeName, null, false, false, hasStream: name == "obscore");
            model.AddElement(type);
            Describe(model, type, table.Description);
            // The stream's media type, said once in the model rather than on every row.
            if (type.HasStream)
                model.SetVocabularyAnnotation(new EdmVocabularyAnnotation(type, CoreVocabularyModel.AcceptableMediaTypesTerm,
                    new EdmCollectionExpression(new EdmStringConstant("application/fits"))));
            var columns = table.PublicColumns.Where(c => Primitive(c) is not null).ToList();
            foreach (var c in columns)
            {
                var p = type.AddStructuralProperty(c.Name, EdmCoreModel.Instance.GetPrimitive(Primitive(c)!.Value, !c.NotNull && !key.Contains(c.Name)));
                Describe(model, p, c.Description);
                if (!string.IsNullOrEmpty(c.Unit))
                    model.SetVocabularyAnnotation(new EdmVocabularyAnnotation(p, unitTerm, new EdmStringConstant(c.Unit)));
            }
            var position = type.AddStructuralProperty(ODataSet.Position, EdmCoreModel.Instance.GetPrimitive(EdmPrimitiveTypeKind.GeographyPoint, true));
            Describe(model, position, $"The position ({ra}, {dec}) as a point: longitude = RA, latitude = Dec, in degrees (ICRS). geo.distance on it is in degrees on the sky.");
            type.AddKeys(key.Select(k => (IEdmStructuralProperty)type.FindProperty(k)));
            var set = container.AddEntitySet(name, type);
            sets.Add(new ODataSet(name, table, type, set, columns, key, ra, dec));
        }
        model.SetEdmReferences([Reference(MeasuresUrl, MeasuresNamespace, "Measures"), Reference("https://oasis-tcs.github.io/odata-vocabularies/vocabularies/Org.OData.Core.V1.xml", "Org.OData.Core.V1", "Core")]);
        return (model, sets);
    }

    private static IEdmReference Reference(string url, string ns, string alias)
    {
        var r = new EdmReference(new Uri(url));
        r.AddInclude(new EdmInclude(alias, ns));
        return r;
    }

    private static void Describe(EdmModel model, IEdmVocabularyAnnotatable target, string? text)
    {
        if (!string.IsNullOrEmpty(text))
            model.SetVocabularyAnnotation(new EdmVocabularyAnnotation(target, CoreVocabularyModel.DescriptionTerm, new EdmStringConstant(text)));
    }

    /// <summary>The EDM type of a column's VOTable datatype (null: not shown, e.g. an array).</summary>
    public static EdmPrimitiveTypeKind? Primitive(ColumnSchema c) => c.Datatype switch
    {
        "char" or "unicodeChar" => EdmPrimitiveTypeKind.String,
        "double" => EdmPrimitiveTypeKind.Double,
        "float" => EdmPrimitiveTypeKind.Single,
        "long" when c.Arraysize is null => EdmPrimitiveTypeKind.Int64,
        "int" when c.Arraysize is null => EdmPrimitiveTypeKind.Int32,
        "short" when c.Arraysize is null => EdmPrimitiveTypeKind.Int16,
        "unsignedByte" when c.Arraysize is null => EdmPrimitiveTypeKind.Byte,
        "boolean" when c.Arraysize is null => EdmPrimitiveTypeKind.Boolean,
        _ => null,
    };
}
