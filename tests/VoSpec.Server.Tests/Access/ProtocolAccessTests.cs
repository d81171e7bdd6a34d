using System.Net;
using System.Xml.Linq;
using Xunit;
using static VoSpec.Server.Tests.Access.ProprietaryServer;

namespace VoSpec.Server.Tests.Access;

/// <summary>DataLink, SODA, SSA and TAP with a proprietary collection: no protocol leaks it without a valid token.</summary>
[Collection("host")]
public class ProtocolAccessTests(ProprietaryServer server) : IClassFixture<ProprietaryServer>
{
    private static readonly XNamespace V = "http://www.ivoa.net/xml/VOTable/v1.3";
    private static readonly XNamespace Uws = "http://www.ivoa.net/xml/UWS/v1.0";
    private static string Esc(string s) => Uri.EscapeDataString(s);

    private static List<List<string>> Rows(string votable) =>
        XDocument.Parse(votable).Descendants(V + "TR").Select(tr => tr.Elements(V + "TD").Select(td => td.Value).ToList()).ToList();

    [Fact]
    public async Task Links_of_a_proprietary_spectrum_are_a_not_found_fault_without_a_valid_token()
    {
        var did = server.OneSecret.Did;
        var noSuch = did[..(did.IndexOf('?') + 1)] + "1234567890123";
        foreach (var form in Without)
        {
            var (status, body) = await server.Get($"datalink/links?ID={Esc(did)}&ID={Esc(server.OneDemo.Did)}", form);
            Assert.Equal(HttpStatusCode.OK, status);
            var rows = Rows(body);
            var fault = Assert.Single(rows, r => r[0] == did);
            Assert.Contains($"NotFoundFault: no spectrum with ID {did}", string.Join("|", fault));
            Assert.Contains(rows, r => r[0] == server.OneDemo.Did && r.Contains("#this"));
            // The same fault as an identifier that exists nowhere.
            var other = Assert.Single(Rows((await server.Get($"datalink/links?ID={Esc(noSuch)}", form)).Body));
            Assert.Equal(string.Join("|", other).Replace(noSuch, did), string.Join("|", fault));
        }
        foreach (var form in With)
        {
            var rows = Rows((await server.Get($"datalink/links?ID={Esc(did)}", form)).Body);
            Assert.Contains(rows, r => r.Contains("#this"));
            Assert.DoesNotContain(rows, r => r.Any(c => c.Contains("NotFoundFault")));
        }
    }

    [Fact]
    public async Task Downloads_previews_and_cutouts_of_a_proprietary_spectrum_are_404_without_a_valid_token()
    {
        var did = Esc(server.OneSecret.Did);
        string[] paths =
        [
            $"datalink/dataset?ID={did}",
            $"datalink/dataset?ID={did}&RESPONSEFORMAT=npy",
            $"datalink/preview?ID={did}&SIZE=thumbnail",
            $"soda/sync?ID={did}&BAND={Esc("4e-7 9e-7")}",
        ];
        foreach (var path in paths)
        {
            foreach (var form in Without)
            {
                var (status, body) = await server.Get(path, form);
                Assert.True(status == HttpStatusCode.NotFound, $"{path} {form}: {(int)status} {body}");
                Assert.Contains("NotFoundFault", body);
            }
            foreach (var form in With)
            {
                var (status, body) = await server.Get(path, form);
                Assert.True(status == HttpStatusCode.OK, $"{path} {form}: {(int)status} {body}");
            }
        }
        // The progenitor link of a generated spectrum does not exist; what matters is that it is unknown without the token.
        Assert.Contains("NotFoundFault: no spectrum", (await server.Get($"datalink/progenitor?ID={did}", TokenForm.None)).Body);
    }

    [Fact]
    public async Task A_proprietary_preview_may_be_kept_by_the_callers_cache_only()
    {
        foreach (var (did, expectPrivate) in new[] { (server.OneSecret.Did, true), (server.OneDemo.Did, false) })
        {
            // Twice: the first renders, the second comes from the preview cache; both say the same.
            for (int i = 0; i < 2; i++)
            {
                using var request = ProprietaryServer.Request(HttpMethod.Get, $"datalink/preview?ID={Esc(did)}&SIZE=thumbnail", TokenForm.DataLab);
                using var r = await server.Client.SendAsync(request);
                Assert.Equal(HttpStatusCode.OK, r.StatusCode);
                Assert.Equal(expectPrivate, r.Headers.CacheControl!.Private);
                Assert.Equal(!expectPrivate, r.Headers.CacheControl!.Public);
            }
        }
    }

    [Fact]
    public async Task Ssa_leaves_out_proprietary_spectra_without_a_valid_token()
    {
        // No constraint: every spectrum the caller may see.
        const string query = "ssa?REQUEST=queryData";
        foreach (var form in Without)
        {
            var body = (await server.Get(query, form)).Body;
            Assert.Equal(DemoCount, Rows(body).Count);
            Assert.DoesNotContain(server.OneSecret.Did, body);
            Assert.Empty(Rows((await server.Get($"ssa?REQUEST=queryData&COLLECTION={Secret}", form)).Body));
        }
        foreach (var form in With)
        {
            Assert.Equal(DemoCount + SecretCount, Rows((await server.Get(query, form)).Body).Count);
            Assert.Equal(SecretCount, Rows((await server.Get($"ssa?REQUEST=queryData&COLLECTION={Secret}", form)).Body).Count);
        }
    }

    private async Task<long> TapCount(string adql, TokenForm form)
    {
        var (status, body) = await server.Get($"tap/sync?LANG=ADQL&RESPONSEFORMAT=csv&QUERY={Esc(adql)}", form);
        Assert.True(status == HttpStatusCode.OK, body);
        return long.Parse(body.Split('\n', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task Tap_tables_hold_no_proprietary_rows_without_a_valid_token()
    {
        var (ra, dec) = (0.0, 0.0);
        foreach (var form in Without)
        {
            Assert.Equal(DemoCount, await TapCount("SELECT COUNT(*) FROM ivoa.obscore", form));
            Assert.Equal(0, await TapCount($"SELECT COUNT(*) FROM ivoa.obscore WHERE obs_collection = '{Secret}'", form));
            Assert.Equal(DemoCount, await TapCount("SELECT COUNT(*) FROM spec.specobj", form));
            Assert.Equal(DemoCount, await TapCount("SELECT COUNT(*) FROM ivoa.obscore AS o JOIN spec.specobj AS s ON s.ra = o.s_ra AND s.dec = o.s_dec", form));
            Assert.Equal(DemoCount, await TapCount($"SELECT COUNT(*) FROM ivoa.obscore WHERE CONTAINS(POINT(s_ra, s_dec), CIRCLE({ra}, {dec}, 180)) = 1", form));
        }
        foreach (var form in With)
        {
            Assert.Equal(DemoCount + SecretCount, await TapCount("SELECT COUNT(*) FROM ivoa.obscore", form));
            Assert.Equal(SecretCount, await TapCount($"SELECT COUNT(*) FROM spec.specobj WHERE collection = '{Secret}'", form));
            Assert.Equal(DemoCount + SecretCount, await TapCount($"SELECT COUNT(*) FROM ivoa.obscore WHERE CONTAINS(POINT(s_ra, s_dec), CIRCLE({ra}, {dec}, 180)) = 1", form));
            // data_rights follows the configuration (set when the server started).
            Assert.Equal(SecretCount, await TapCount($"SELECT COUNT(*) FROM ivoa.obscore WHERE obs_collection = '{Secret}' AND data_rights = 'proprietary'", form));
            Assert.Equal(DemoCount, await TapCount("SELECT COUNT(*) FROM ivoa.obscore WHERE data_rights = 'public'", form));
        }
    }

    [Fact]
    public async Task An_async_job_runs_with_its_submitters_rights_and_only_they_see_it()
    {
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = server.Client.BaseAddress };
        async Task<string> Submit(TokenForm form)
        {
            var content = new FormUrlEncodedContent(new Dictionary<string, string>
                { ["LANG"] = "ADQL", ["QUERY"] = "SELECT COUNT(*) AS n FROM ivoa.obscore", ["RESPONSEFORMAT"] = "csv", ["PHASE"] = "RUN" });
            using var r = await client.SendAsync(Request(HttpMethod.Post, "tap/async", form, content));
            Assert.Equal(HttpStatusCode.SeeOther, r.StatusCode);
            return r.Headers.Location!.AbsolutePath.TrimStart('/');
        }
        async Task<string> Result(string job, TokenForm form)
        {
            for (int i = 0; i < 30; i++)
            {
                var (_, doc) = await server.Get(job + "?WAIT=10", form);
                if (XDocument.Parse(doc).Root!.Element(Uws + "phase")!.Value is "COMPLETED" or "ERROR" or "ABORTED") break;
            }
            var (status, body) = await server.Get(job + "/results/result", form);
            Assert.True(status == HttpStatusCode.OK, body);
            return body.Split('\n', StringSplitOptions.RemoveEmptyEntries)[1].TrimEnd('\r');
        }

        var privileged = await Submit(TokenForm.DataLab);
        Assert.Equal((DemoCount + SecretCount).ToString(), await Result(privileged, TokenForm.DataLab));
        // The other token opens the same collection, so its holder sees the job too.
        Assert.Equal(HttpStatusCode.OK, (await server.Get(privileged, TokenForm.Bearer)).Status);
        foreach (var form in Without)
        {
            foreach (var child in new[] { "", "/phase", "/parameters", "/results", "/results/result", "/error", "/owner" })
                Assert.Equal(HttpStatusCode.NotFound, (await server.Get(privileged + child, form)).Status);
            Assert.DoesNotContain(privileged.Split('/')[^1], (await server.Get("tap/async", form)).Body);
            using var delete = await client.SendAsync(Request(HttpMethod.Delete, privileged, form));
            Assert.Equal(HttpStatusCode.NotFound, delete.StatusCode);
        }
        Assert.Contains(privileged.Split('/')[^1], (await server.Get("tap/async", TokenForm.DataLab)).Body);

        // A job submitted without a token sees public rows only, even when its result is fetched with one.
        var open = await Submit(TokenForm.Wrong);
        Assert.Equal(DemoCount.ToString(), await Result(open, TokenForm.DataLab));
        Assert.Equal(HttpStatusCode.OK, (await server.Get(open, TokenForm.None)).Status);
    }
}
