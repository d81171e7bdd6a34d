using System.Net;
using System.Text;

namespace VoSpec.Server.Tap;

/// <summary>DALI examples (XHTML with RDFa): useful queries on this archive, as TOPCAT shows them.</summary>
public static class TapExamples
{
    public sealed record Example(string Id, string Name, string Description, string Query);

    public static readonly IReadOnlyList<Example> All =
    [
        new("cone", "Spectra in a cone",
            "Every spectrum whose fibre lies within 1 degree of a position, with its DataLink URL.",
            "SELECT obs_publisher_did, s_ra, s_dec, em_min, em_max, access_url\nFROM ivoa.obscore\nWHERE CONTAINS(POINT('ICRS', s_ra, s_dec), CIRCLE('ICRS', 180.0, 0.0, 1.0)) = 1"),
        new("halpha", "Spectra covering H-alpha",
            "Spectra whose wavelength range includes H-alpha (6563 Angstrom) in the observer's frame; IN_UNIT converts the ranges from metres.",
            "SELECT TOP 100 obs_id, s_ra, s_dec, IN_UNIT(em_min, 'Angstrom') AS lambda_min, IN_UNIT(em_max, 'Angstrom') AS lambda_max\nFROM ivoa.obscore\nWHERE IN_UNIT(em_min, 'Angstrom') < 6563 AND IN_UNIT(em_max, 'Angstrom') > 6563"),
        new("quasars", "High-redshift quasars",
            "Quasars above redshift 2, brightest signal-to-noise first.",
            "SELECT TOP 50 specobjid, ra, dec, z, sn_median\nFROM spec.specobj\nWHERE class = 'QSO' AND z > 2\nORDER BY sn_median DESC"),
        new("join", "ObsCore rows with their redshifts",
            "Joins ObsCore with the per-spectrum catalogue on the collection and observation id.",
            "SELECT TOP 20 o.obs_publisher_did, s.class, s.subclass, s.z\nFROM ivoa.obscore AS o\nJOIN spec.specobj AS s ON s.collection = o.obs_collection AND s.obs_id = o.obs_id\nWHERE s.z BETWEEN 0.1 AND 0.2"),
        new("classes", "Spectra per class",
            "How many spectra of each class each collection holds.",
            "SELECT collection, class, COUNT(*) AS n\nFROM spec.specobj\nGROUP BY collection, class\nORDER BY collection, n DESC"),
        new("healpix", "Spectra per sky cell, around H-alpha",
            "Counts the spectra covering 650-660 nm in each HEALPix cell of order 4 (nested), with the user-defined functions ivo_interval_overlaps and ivo_healpix_index.",
            "SELECT hpx, COUNT(*) AS n\nFROM (SELECT ivo_healpix_index(4, s_ra, s_dec) AS hpx FROM ivoa.obscore\n      WHERE ivo_interval_overlaps(em_min, em_max, 6.5e-7, 6.6e-7) = 1) AS cells\nGROUP BY hpx\nORDER BY n DESC"),
        new("columns", "Columns of ObsCore",
            "The columns of ivoa.obscore with their units and UCDs, from TAP_SCHEMA.",
            "SELECT column_name, datatype, unit, ucd, description\nFROM TAP_SCHEMA.columns\nWHERE table_name = 'ivoa.obscore'\nORDER BY column_index"),
    ];

    public static string Render()
    {
        static string E(string s) => WebUtility.HtmlEncode(s);
        var sb = new StringBuilder();
        sb.Append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
          .Append("<html xmlns=\"http://www.w3.org/1999/xhtml\"><head><title>VoSpec TAP examples</title></head>\n")
          .Append("<body vocab=\"http://www.ivoa.net/rdf/examples#\">\n<h1>Example queries</h1>\n");
        foreach (var x in All)
        {
            sb.Append("<div typeof=\"example\" id=\"").Append(x.Id).Append("\" resource=\"#").Append(x.Id).Append("\">\n")
              .Append("<h2 property=\"name\">").Append(E(x.Name)).Append("</h2>\n")
              .Append("<p>").Append(E(x.Description)).Append("</p>\n")
              .Append("<pre property=\"query\">").Append(E(x.Query)).Append("</pre>\n</div>\n");
        }
        sb.Append("</body></html>\n");
        return sb.ToString();
    }
}
