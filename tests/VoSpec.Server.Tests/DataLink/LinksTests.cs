using System.Globalization;
using System.Net;
using System.Xml.Linq;
using VoSpec.Testing;
using Xunit;
using static VoSpec.Server.Tests.DataLink.Catalogue;

namespace VoSpec.Server.Tests.DataLink;

/// <summary>The DataLink {links} resource over HTTP: order, echo, faults, columns, link kinds and the SODA descriptors.</summary>
[Collection("host")]
public class LinksTests(RunningServer server) : IClassFixture<RunningServer>
{
    private const string DataLinkType = "application/x-votable+xml;content=datalink";

    private async Task<(HttpResponseMessage Response, XDocument Doc, string ContentType)> Post(params (string, string)[] p)
    {
        var r = await server.Client.PostAsync("datalink/links", new FormUrlEncodedContent(p.Select(x => new KeyValuePair<string, string>(x.Item1, x.Item2))));
        var contentType = RawContentType(r);
        return (r, XDocument.Parse(await r.Content.ReadAsStringAsync()), contentType);
    }

    /// <summary>The header as sent (read before the body: reading it makes HttpClient re-format the parsed value).</summary>
    private static string RawContentType(HttpResponseMessage r) => string.Join(",", r.Content.Headers.NonValidated["Content-Type"]);

    [Fact]
    public async Task Many_ids_in_one_post_come_back_in_the_order_sent_echoed_exactly_and_each_at_least_once()
    {
        var known = Spectra(server, 12).Select(s => s.Did).ToList();
        var sent = new List<string>(known[..5])
        {
            "ivo://vospec.local/demo?1",                       // our authority, no such spectrum
            "not an identifier at all",                        // malformed
            known[5],
            "ivo://elsewhere.example/coll?42&x=1 ü%20+",        // someone else's, with characters that need encoding
            known[0],                                          // a repeat is answered again, in its place
            "",
        };
        sent.AddRange(known[6..]);

        var (r, doc, contentType) = await Post(sent.Select(id => ("ID", id)).ToArray());
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.Equal(DataLinkType, contentType);
        Assert.Equal("OK", Info(doc, "QUERY_STATUS"));
        Assert.Equal("ivo://ivoa.net/std/DataLink#links-1.1", Info(doc, "standardID"));

        var rows = Rows(doc);
        // Collapse runs of equal IDs: the runs must be exactly the IDs sent, in order.
        var runs = new List<string>();
        foreach (var row in rows)
            if (runs.Count == 0 || runs[^1] != (row["ID"] ?? "")) runs.Add(row["ID"] ?? "");
        Assert.Equal(sent, runs);

        Assert.StartsWith("NotFoundFault", Single(rows, sent[5])["error_message"]);
        Assert.StartsWith("UsageFault", Single(rows, sent[6])["error_message"]);
        Assert.StartsWith("NotFoundFault", Single(rows, sent[8])["error_message"]);
        Assert.StartsWith("UsageFault", Single(rows, "")["error_message"]);
        foreach (var did in known) Assert.DoesNotContain(rows.Where(x => x["ID"] == did), x => x["error_message"] is not null);
    }

    private static Dictionary<string, string?> Single(List<Dictionary<string, string?>> rows, string id) =>
        Assert.Single(rows, x => (x["ID"] ?? "") == id);

    [Fact]
    public async Task Columns_have_the_standard_types_and_ucds()
    {
        var did = Spectra(server, 1)[0].Did;
        var r = await server.Client.GetAsync("datalink/links?ID=" + Esc(did));
        Assert.Equal(DataLinkType, RawContentType(r));
        var doc = XDocument.Parse(await r.Content.ReadAsStringAsync());
        var fields = doc.Descendants(V + "FIELD").ToDictionary(f => (string)f.Attribute("name")!);
        Assert.Equal("meta.id;meta.main", (string?)fields["ID"].Attribute("ucd"));
        Assert.Equal("long", (string?)fields["content_length"].Attribute("datatype"));
        Assert.Equal("byte", (string?)fields["content_length"].Attribute("unit"));
        foreach (var name in new[] { "access_url", "service_def", "error_message", "description", "semantics", "content_type", "content_qualifier", "local_semantics" })
            Assert.True(fields.ContainsKey(name), name);
        // No XML IDs on FIELDs or on the results RESOURCE (pyvo's clone_byid, Aladin's field keys).
        Assert.All(fields.Values, f => Assert.Null(f.Attribute("ID")));
        Assert.Null(doc.Descendants(V + "RESOURCE").First().Attribute("ID"));
    }

    [Fact]
    public async Task Each_spectrum_gets_this_progenitor_preview_and_cutout_links_with_descriptions()
    {
        var s = Spectra(server, 1)[0];
        var (_, doc, _) = await Post(("ID", s.Did));
        var rows = Rows(doc);
        Assert.Equal(["#this", "#auxiliary", "#auxiliary", "#auxiliary", "#progenitor", "#preview", "#preview", "#cutout"], rows.Select(x => x["semantics"]));
        Assert.Equal(["application/fits", "application/x-votable+xml", "text/csv", "application/x-npy", "application/fits", "image/png", "image/png", "application/fits"], rows.Select(x => x["content_type"]));
        foreach (var row in rows)
        {
            Assert.Equal(1, new[] { row["access_url"], row["service_def"], row["error_message"] }.Count(v => v is not null));
            Assert.False(string.IsNullOrWhiteSpace(row["description"]));
            // A preview is a picture of the spectrum, not the spectrum: it carries no product type.
            Assert.Equal(row["semantics"] == "#preview" ? null : "#spectrum", row["content_qualifier"]);
        }
        Assert.Equal(rows.Select(x => x["description"]).Count(), rows.Select(x => x["description"]).Distinct().Count());
        Assert.Equal(new FileInfo(s.SourcePath!).Length.ToString(CultureInfo.InvariantCulture), rows[4]["content_length"]);
        var progenitor = await server.Client.GetByteArrayAsync(rows[4]["access_url"]);
        Assert.Equal(await File.ReadAllBytesAsync(s.SourcePath!), progenitor);
    }

    [Fact]
    public async Task The_cutout_row_names_a_soda_descriptor_whose_band_is_the_spectrum_extent()
    {
        var spectra = Spectra(server, 3);
        var (_, doc, _) = await Post(spectra.Select(s => ("ID", s.Did)).ToArray());
        var rows = Rows(doc);
        foreach (var s in spectra)
        {
            var cutout = Assert.Single(rows, x => x["ID"] == s.Did && x["semantics"] == "#cutout");
            var resource = Assert.Single(doc.Root!.Elements(V + "RESOURCE"), e => (string?)e.Attribute("ID") == cutout["service_def"]);
            Assert.Equal("meta", (string?)resource.Attribute("type"));
            Assert.Equal("adhoc:service", (string?)resource.Attribute("utype"));
            string? Param(string name) => resource.Elements(V + "PARAM").Where(p => (string?)p.Attribute("name") == name).Select(p => (string?)p.Attribute("value")).SingleOrDefault();
            Assert.Equal("ivo://ivoa.net/std/SODA#sync-1.0", Param("standardID"));
            Assert.Equal(server.BaseUri + "soda/sync", Param("accessURL"));
            var inputs = resource.Element(V + "GROUP")!.Elements(V + "PARAM").ToDictionary(p => (string)p.Attribute("name")!);
            Assert.Equal(s.Did, (string?)inputs["ID"].Attribute("value"));
            Assert.Equal(["ID", "BAND", "POS", "CIRCLE", "POLYGON", "TIME", "POL", "RESPONSEFORMAT"], inputs.Keys);
            var band = inputs["BAND"];
            Assert.Equal(("m", "em.wl;stat.interval", "interval"), ((string?)band.Attribute("unit"), (string?)band.Attribute("ucd"), (string?)band.Attribute("xtype")));
            Assert.Equal(s.EmMin, double.Parse((string)band.Descendants(V + "MIN").Single().Attribute("value")!, CultureInfo.InvariantCulture));
            Assert.Equal(s.EmMax, double.Parse((string)band.Descendants(V + "MAX").Single().Attribute("value")!, CultureInfo.InvariantCulture));
            Assert.Equal(s.TMin, double.Parse((string)inputs["TIME"].Descendants(V + "MIN").Single().Attribute("value")!, CultureInfo.InvariantCulture));
            Assert.Equal(["I"], inputs["POL"].Descendants(V + "OPTION").Select(o => (string?)o.Attribute("value")));
        }
    }

    [Fact]
    public async Task Maxrec_caps_the_ids_answered_and_flags_overflow()
    {
        var dids = Spectra(server, 3).Select(s => s.Did).ToList();
        var (_, doc, _) = await Post(("ID", dids[0]), ("ID", dids[1]), ("ID", dids[2]), ("MAXREC", "2"));
        Assert.Equal("OVERFLOW", Info(doc, "QUERY_STATUS"));
        Assert.Equal(dids[..2], Rows(doc).Select(x => x["ID"]).Distinct());
        var (_, exact, _) = await Post(("ID", dids[0]), ("ID", dids[1]), ("maxrec", "2"));
        Assert.Equal("OK", Info(exact, "QUERY_STATUS"));
    }

    [Fact]
    public async Task No_id_gives_an_empty_table_and_parameter_names_are_case_insensitive()
    {
        var (r, doc, _) = await Post();
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.Empty(Rows(doc));
        var did = Spectra(server, 1)[0].Did;
        var get = await server.Client.GetAsync($"datalink/links?id={Esc(did)}&responseformat={Esc("application/x-votable+xml;content=datalink")}");
        Assert.Equal(8, Rows(XDocument.Parse(await get.Content.ReadAsStringAsync())).Count);
    }

    [Fact]
    public async Task A_response_format_other_than_votable_is_a_usage_fault_document()
    {
        var r = await server.Client.GetAsync("datalink/links?ID=x&RESPONSEFORMAT=csv");
        Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        var doc = XDocument.Parse(await r.Content.ReadAsStringAsync());
        Assert.Equal("ERROR", Info(doc, "QUERY_STATUS"));
        Assert.StartsWith("UsageFault", doc.Descendants(V + "INFO").First().Value);
    }

    [Fact]
    public async Task This_fits_has_the_declared_length_opens_in_astropy_and_passes_fitsverify()
    {
        var s = Spectra(server, 1)[0];
        var rows = Rows((await Post(("ID", s.Did))).Doc);
        var r = await server.Client.GetAsync(rows[0]["access_url"]);
        Assert.Equal("application/fits", r.Content.Headers.ContentType?.MediaType);
        var bytes = await r.Content.ReadAsByteArrayAsync();
        Assert.Equal(rows[0]["content_length"], bytes.Length.ToString(CultureInfo.InvariantCulture));

        using var dir = TestPaths.NewTempDir("datalink-this");
        var path = Path.Combine(dir.Path, "this.fits");
        await File.WriteAllBytesAsync(path, bytes);
        var verify = ExternalTool.Run("/usr/bin/fitsverify", [path]);
        Assert.Contains("Verification found 0 warning(s) and 0 error(s)", verify.All);

        var py = ExternalTool.RunPython("""
            import sys, numpy as np
            from astropy.io import fits
            with fits.open(sys.argv[1]) as h:
                d = h['COADD'].data
                assert h[0].header['TELESCOP'] == 'SDSS 2.5-M'
                assert np.allclose(10 ** d['loglam'].astype(float), d['wavelength'], rtol=1e-6)
                print(len(d), d['wavelength'][0], d['wavelength'][-1], h[0].header['BUNIT'])
            """, path);
        Assert.True(py.ExitCode == 0, py.All);
        var parts = py.StdOut.Trim().Split(' ');
        Assert.Equal(s.NPix, int.Parse(parts[0], CultureInfo.InvariantCulture));
        Assert.Equal(s.EmMin * 1e10, double.Parse(parts[1], CultureInfo.InvariantCulture), 1e-6);
        Assert.Equal(s.EmMax * 1e10, double.Parse(parts[2], CultureInfo.InvariantCulture), 1e-6);
    }

    [Fact]
    public async Task The_other_this_formats_hold_the_same_pixels()
    {
        var s = Spectra(server, 1)[0];
        var rows = Rows((await Post(("ID", s.Did))).Doc);
        var csv = (await server.Client.GetStringAsync(rows[2]["access_url"])).Trim().Split('\n');
        Assert.Equal(s.NPix + 1, csv.Length);
        var vot = XDocument.Parse(await server.Client.GetStringAsync(rows[1]["access_url"]));
        Assert.Equal(s.NPix, vot.Descendants(V + "TR").Count());
        Assert.Equal("spec:Spectrum.Data.SpectralAxis.Value", (string?)vot.Descendants(V + "FIELD").First().Attribute("utype"));
    }

    [Fact]
    public async Task Unknown_and_malformed_ids_on_the_data_endpoints_are_404_and_400()
    {
        var unknown = await server.Client.GetAsync("datalink/dataset?ID=" + Esc("ivo://vospec.local/demo?7"));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.StartsWith("NotFoundFault", await unknown.Content.ReadAsStringAsync());
        var bad = await server.Client.GetAsync("datalink/progenitor?ID=nonsense");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.StartsWith("UsageFault", await bad.Content.ReadAsStringAsync());
    }
}
