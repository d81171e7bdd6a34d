using System.Text;
using VoSpec.Archive;
using VoSpec.Server.Access;
using static VoSpec.Server.Web.WebPages;

namespace VoSpec.Server.Web;

/// <summary>
/// GET /search : a form (cone, collection, class, redshift, S/N, wavelength) and an ADQL box; search.js turns the form
/// into ADQL, sends it to /tap/sync (the page is a plain TAP client) and shows the rows. Only the collection list comes
/// from the server here, the collections the caller may see.
/// </summary>
public static class SearchPage
{
    /// <summary>SDSS's spectroscopic classes (specObj.class), offered as suggestions; any value may be typed.</summary>
    private static readonly string[] Classes = ["GALAXY", "QSO", "STAR"];

    public static string Render(SpectrumArchive archive, AccessRights rights)
    {
        var sb = new StringBuilder();
        sb.Append("<h1>Search spectra</h1>\n<form id=\"search-form\" class=\"grid\" autocomplete=\"off\">\n")
          .Append("<fieldset><legend>Position</legend>")
          .Append(Field("ra", "RA (deg or h:m:s)", "text", "e.g. 153.57 or 10:14:17.9"))
          .Append(Field("dec", "Dec (deg or d:m:s)", "text", "e.g. 79.31 or +79:18:33"))
          .Append(Field("radius", "Radius (deg)", "number", "1", "step=\"any\" min=\"0\""))
          .Append("</fieldset>\n<fieldset><legend>Constraints</legend><label>Collection <select id=\"collection\" name=\"collection\" data-rights=\"collection-list\"><option value=\"\">any</option>");
        foreach (var c in archive.Lookup.CollectionNames().Where(c => rights.CanSee(c.Name)))
            sb.Append("<option value=\"").Append(E(c.Name)).Append("\">").Append(E(c.Name)).Append("</option>");
        sb.Append("</select></label>")
          .Append(Field("class", "Class", "text", "GALAXY, QSO, STAR", "list=\"classes\""))
          .Append("<datalist id=\"classes\">");
        foreach (var c in Classes) sb.Append("<option value=\"").Append(c).Append("\"></option>");
        sb.Append("</datalist>")
          .Append(Field("zmin", "Redshift from", "number", "", "step=\"any\""))
          .Append(Field("zmax", "to", "number", "", "step=\"any\""))
          .Append(Field("snmin", "Median S/N at least", "number", "", "step=\"any\""))
          .Append(Field("wave", "Covers wavelength (Å)", "number", "e.g. 6563", "step=\"any\" min=\"0\""))
          .Append(Field("top", "At most (rows)", "number", "1000", "min=\"1\" max=\"100000\" value=\"1000\""))
          .Append("</fieldset>\n<div class=\"actions\"><button type=\"submit\" id=\"run-form\">Search</button> <span id=\"form-error\" class=\"error\" role=\"alert\"></span></div>\n</form>\n")
          .Append("<details id=\"adql-box\"><summary>ADQL</summary>\n<label>Example <select id=\"examples\"><option value=\"\">(the query of the form above)</option></select></label>\n")
          .Append("<textarea id=\"adql\" rows=\"7\" spellcheck=\"false\" aria-label=\"ADQL query\"></textarea>\n")
          .Append("<div class=\"actions\"><button type=\"button\" id=\"run-adql\">Run ADQL</button> <span id=\"adql-error\" class=\"error\" role=\"alert\"></span></div>\n")
          .Append("<pre id=\"adql-marked\" class=\"marked\" hidden></pre></details>\n")
          .Append("<section id=\"results\" aria-live=\"polite\"><p id=\"status\"></p>\n")
          .Append("<div class=\"actions\" id=\"selection-actions\" hidden><button type=\"button\" id=\"view-selected\">View selected</button> ")
          .Append("<button type=\"button\" id=\"votable-selected\">Selected as VOTable</button> <button type=\"button\" id=\"getspec-selected\">Selected via getSpec</button> ")
          .Append("<label>as <select id=\"getspec-format\"><option value=\"auto\">FITS (one) or VOTable (several)</option><option value=\"numpy\">NumPy .npy</option>")
          .Append("<option value=\"csv\">CSV</option><option value=\"votable\">VOTable</option><option value=\"fits\">FITS (one spectrum)</option></select></label> ")
          .Append("<button type=\"button\" id=\"samp-selected\">Send selected to SAMP hub</button> ")
          .Append("<button type=\"button\" id=\"samp-table\">Send the table to SAMP hub</button> <span id=\"samp-status\" role=\"status\"></span>")
          .Append(TokenNote).Append("</div>\n")
          .Append("<div class=\"scroll\"><table id=\"result-table\"></table></div>\n")
          .Append("<div class=\"pager\" id=\"pager\" hidden><button type=\"button\" id=\"prev\">‹ Previous</button> <span id=\"page-info\"></span> <button type=\"button\" id=\"next\">Next ›</button></div>\n")
          .Append("</section>\n");
        return Shell("VoSpec – search", sb.ToString(), "common.js", "search.js");
    }

    private static string Field(string id, string label, string type, string placeholder, string extra = "") =>
        $"<label>{E(label)} <input id=\"{id}\" name=\"{id}\" type=\"{type}\" placeholder=\"{E(placeholder)}\" {extra}></label>";
}
