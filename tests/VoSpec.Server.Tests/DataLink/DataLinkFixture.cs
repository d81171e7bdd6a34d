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
        using var archive = VoSpec.Archive.SpectrumArchive.Open(server.ArchiveDir);
        using var conn = archive.Sqlite.OpenConnection();
        using var cmd = conn.CreateCommand();
        cmd.CommandText = $"""
            SELECT o.obs_publisher_did, o.em_min, o.em_max, o.s_ra, o.s_dec, o.t_min, o.t_max, st.npix, st.source_path
            FROM ivoa_obscore o JOIN spectrum_store st ON st.spec_id = o.spec_id ORDER BY o.spec_id LIMIT {n}
            """;
        using var r = cmd.ExecuteReader();
        var list = new List<Spectrum>();
        while (r.Read())
            list.Add(new Spectrum(r.GetString(0), r.GetDouble(1), r.GetDouble(2), r.GetDouble(3), r.GetDouble(4), r.GetDouble(5), r.GetDouble(6),
                r.GetInt32(7), r.IsDBNull(8) ? null : r.GetString(8)));
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
