using System.Globalization;
using System.Xml.Linq;

namespace VoSpec.Server.Tests.DataLink;

/// <summary>Catalogue facts the DataLink and SODA tests compare the server's answers with.</summary>
internal static class Catalogue
{
    public static readonly XNamespace V = "http://www.ivoa.net/xml/VOTable/v1.3";

    public sealed record Spectrum(string Did, double EmMin, double EmMax, double Ra, double Dec, double TMin, double TMax, int NPix, string? SourcePath);

    public static IReadOnlyList<Spectrum> Spectra(RunningServer server, int n)
    {
        // Through the archive's own answers (ADQL, then the DataLink lookup for the store's facts), on either backend.
        var rows = server.Query($"SELECT TOP {n} obs_publisher_did, obs_collection FROM ivoa.obscore ORDER BY obs_publisher_did");
        using var archive = server.OpenArchive();
        using var finder = archive.Lookup.OpenDatasetFinder();
        var list = new List<Spectrum>();
        foreach (var row in rows)
        {
            string did = (string)row[0]!;
            long id = long.Parse(did[(did.LastIndexOf('?') + 1)..], CultureInfo.InvariantCulture);
            var d = finder.Find(did, (string)row[1]!, id)!;
            list.Add(new Spectrum(did, d.EmMin, d.EmMax, d.Ra, d.Dec, d.TMin!.Value, d.TMax!.Value, d.Location.NPix, d.SourcePath));
        }
        return list;
    }

    public static string Esc(string s) => Uri.EscapeDataString(s);

    public static string R(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>The links table's rows as name → cell text (null for an empty cell).</summary>
    public static List<Dictionary<string, string?>> Rows(XDocument doc)
    {
        var table = doc.Descendants(V + "RESOURCE").First(r => (string?)r.Attribute("type") == "results").Element(V + "TABLE")!;
        var names = table.Elements(V + "FIELD").Select(f => (string)f.Attribute("name")!).ToList();
        return table.Descendants(V + "TR").Select(tr =>
        {
            var cells = tr.Elements(V + "TD").Select(td => td.Value.Length == 0 ? null : td.Value).ToList();
            return names.Zip(cells).ToDictionary(p => p.First, p => p.Second);
        }).ToList();
    }

    public static string? Info(XDocument doc, string name) =>
        doc.Descendants(V + "INFO").Where(i => (string?)i.Attribute("name") == name).Select(i => (string?)i.Attribute("value")).FirstOrDefault();
}
