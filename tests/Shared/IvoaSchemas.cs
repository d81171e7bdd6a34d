using System.Xml;
using System.Xml.Schema;

namespace VoSpec.Testing;

/// <summary>
/// The IVOA and OAI-PMH XML schemas as Debian's python3-gavo package ships them (DaCHS's own copies, in
/// gavo/resources/schemata), compiled once into one schema set: registry records, OAI-PMH answers and VOSI documents
/// are validated against the real XSDs with no download at test time. A missing package fails the test with its name.
/// </summary>
internal static class IvoaSchemas
{
    public const string Directory = "/usr/lib/python3/dist-packages/gavo/resources/schemata";

    // One file per namespace (SSA-v1.2 and not the older SSA.xsd with the same namespace).
    private static readonly string[] Files =
    [
        "xml.xsd", "VOResource.xsd", "VODataService.xsd", "TAPRegExt.xsd", "SSA-v1.2.xsd", "VORegistry.xsd", "RegistryInterface.xsd",
        "VOSICapabilities.xsd", "VOSIAvailability.xsd", "VOSITables.xsd", "StandardsRegExt.xsd", "OAI-PMH.xsd", "oai_dc.xsd", "simpledc20021212.xsd",
        "xlink.xsd", "stc.xsd",
    ];

    private static readonly Lazy<XmlSchemaSet> Set = new(Compile);

    private static XmlSchemaSet Compile()
    {
        if (!System.IO.Directory.Exists(Directory))
            throw new InvalidOperationException($"{Directory} is missing: install Debian's python3-gavo (run .ci/run's install step)");
        var set = new XmlSchemaSet { XmlResolver = null };
        foreach (var name in Files)
        {
            var path = Path.Combine(Directory, name);
            if (!File.Exists(path)) continue;
            using var reader = XmlReader.Create(path, new XmlReaderSettings { DtdProcessing = DtdProcessing.Ignore, XmlResolver = null });
            set.Add(null, reader);
        }
        set.Compile();
        return set;
    }

    /// <summary>Every validation error and warning of <paramref name="xml"/> (empty when valid), with line and position.</summary>
    public static IReadOnlyList<string> Validate(string xml)
    {
        var problems = new List<string>();
        var settings = new XmlReaderSettings { ValidationType = ValidationType.Schema, Schemas = Set.Value, XmlResolver = null };
        settings.ValidationFlags |= XmlSchemaValidationFlags.ReportValidationWarnings;
        settings.ValidationEventHandler += (_, e) => problems.Add($"{e.Severity} line {e.Exception?.LineNumber}:{e.Exception?.LinePosition}: {e.Message}");
        using var reader = XmlReader.Create(new StringReader(xml), settings);
        while (reader.Read()) { }
        return problems;
    }

    /// <summary>Fails with the problems and the start of the document when it does not validate.</summary>
    public static void AssertValid(string xml, string what)
    {
        var problems = Validate(xml);
        if (problems.Count > 0)
            throw new InvalidOperationException($"{what} does not validate against the IVOA schemas:\n  {string.Join("\n  ", problems.Take(20))}\n--- document:\n{(xml.Length > 4000 ? xml[..4000] + "…" : xml)}");
    }
}
