using System.Net;
using VoSpec.Server.Tests.Access;
using Xunit;
using static VoSpec.Server.Tests.Access.ProprietaryServer;

namespace VoSpec.Server.Tests.Security;

/// <summary>
/// Why this file exists: the access tests show that proprietary rows are not served; these show they cannot be
/// inferred either — a hidden id answers exactly as an id that never existed (status, headers that matter, body),
/// even right after its token holder filled the preview cache, and the table metadata says the same to everyone.
/// </summary>
[Collection("host")]
public class ProprietaryLeakTests(ProprietaryServer server) : IClassFixture<ProprietaryServer>
{
    private static string Esc(string s) => Uri.EscapeDataString(s);

    private async Task<(HttpStatusCode Status, string Body, string? ContentType, string? CacheControl)> Answer(string path, TokenForm form)
    {
        using var r = await server.Client.SendAsync(Request(HttpMethod.Get, path, form));
        return (r.StatusCode, await r.Content.ReadAsStringAsync(), r.Content.Headers.ContentType?.ToString(), r.Headers.CacheControl?.ToString());
    }

    [Fact]
    public async Task A_hidden_id_answers_exactly_as_a_missing_one_even_after_its_preview_was_cached()
    {
        var did = server.OneSecret.Did;
        var missing = did[..(did.IndexOf('?') + 1)] + "1234567890123";
        string[] templates =
        [
            "datalink/dataset?ID={0}", "datalink/dataset?ID={0}&RESPONSEFORMAT=npy", "datalink/preview?ID={0}",
            "datalink/preview?ID={0}&SIZE=thumbnail", "datalink/progenitor?ID={0}", "soda/sync?ID={0}&BAND=" + Esc("4e-7 9e-7"),
            "datalink/links?ID={0}", "datalink/arm?ID={0}&ARM=B",
        ];
        // The token holder renders (and so caches) the previews first.
        foreach (var size in new[] { "", "&SIZE=thumbnail" })
            Assert.Equal(HttpStatusCode.OK, (await Answer($"datalink/preview?ID={Esc(did)}{size}", TokenForm.DataLab)).Status);
        foreach (var template in templates)
            foreach (var form in Without)
            {
                var hidden = await Answer(string.Format(template, Esc(did)), form);
                var none = await Answer(string.Format(template, Esc(missing)), form);
                Assert.Equal(none.Status, hidden.Status);
                Assert.Equal(none.ContentType, hidden.ContentType);
                Assert.Equal(none.CacheControl, hidden.CacheControl);
                Assert.Equal(none.Body.Replace(missing, did), hidden.Body);
            }
    }

    [Theory]
    [InlineData("tap/tables")]
    [InlineData("tap/sync?LANG=ADQL&RESPONSEFORMAT=csv&QUERY=SELECT%20*%20FROM%20TAP_SCHEMA.tables%20ORDER%20BY%20table_name")]
    [InlineData("tap/sync?LANG=ADQL&RESPONSEFORMAT=csv&QUERY=SELECT%20*%20FROM%20TAP_SCHEMA.columns%20ORDER%20BY%20table_name,%20column_name")]
    [InlineData("tap/capabilities")]
    [InlineData("tap/tables/ivoa.obscore")]
    [InlineData("ssa?REQUEST=queryData&FORMAT=METADATA")]
    [InlineData("spec/available")]
    public async Task Table_metadata_and_capabilities_say_the_same_with_and_without_a_token(string path)
    {
        var open = await Answer(path, TokenForm.DataLab);
        Assert.Equal(HttpStatusCode.OK, open.Status);
        foreach (var form in Without)
        {
            var closed = await Answer(path, form);
            Assert.Equal(open.Status, closed.Status);
            Assert.Equal(open.Body, closed.Body);
            Assert.DoesNotContain(Secret, closed.Body, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task Query_errors_name_no_proprietary_value()
    {
        // A failing query over the whole table (a division by a text) must not echo any row's content.
        foreach (var form in Without)
        {
            var (status, body, _, _) = await Answer("tap/sync?LANG=ADQL&QUERY=" + Esc("SELECT obs_id, 1 / (obs_collection) FROM ivoa.obscore WHERE obs_id = 'x' OR 1 = 1"), form);
            Assert.True((int)status < 500, body);
            Assert.DoesNotContain(Secret, body, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(server.OneSecret.Did, body);
        }
    }
}
