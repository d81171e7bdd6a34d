using System.Net;
using System.Text;
using System.Text.Json;
using Xunit;
using static VoSpec.Server.Tests.Access.ProprietaryServer;

namespace VoSpec.Server.Tests.Access;

/// <summary>The spec service with a proprietary collection: invisible without a valid token, whole with one.</summary>
[Collection("host")]
public class SpecServiceAccessTests(ProprietaryServer server) : IClassFixture<ProprietaryServer>
{
    private const long NoSuchId = 1234567890123;

    private static IEnumerable<KeyValuePair<string, string>> Form(IEnumerable<long> ids, params (string Key, string Value)[] fields) =>
        ids.Select(id => new KeyValuePair<string, string>("id_list", id.ToString(System.Globalization.CultureInfo.InvariantCulture)))
           .Concat(fields.Select(f => new KeyValuePair<string, string>(f.Key, f.Value)));

    [Fact]
    public async Task Contexts_and_catalogs_list_the_proprietary_collection_only_for_a_valid_token()
    {
        foreach (var form in Without)
        {
            var (status, list) = await server.Get("spec/contexts?context=None&format=text", form);
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Contains("demo", list);
            Assert.DoesNotContain(Secret, list);
            Assert.DoesNotContain(Secret, (await server.Get("spec/contexts?context=None&format=json", form)).Body);
            Assert.DoesNotContain(Secret, (await server.Get("spec/catalogs?format=text", form)).Body);
            using var def = JsonDocument.Parse((await server.Get("spec/contexts?context=default&format=text", form)).Body);
            Assert.Equal(DemoCount, def.RootElement.GetProperty("nspec").GetInt32());
            // As unknown as a context that does not exist: same status, same message but for the name.
            var hidden = await server.Get($"spec/contexts?context={Secret}&format=text", form);
            var none = await server.Get("spec/contexts?context=nosuch&format=text", form);
            Assert.Equal(HttpStatusCode.BadRequest, hidden.Status);
            Assert.Equal(none.Body.Replace("nosuch", Secret), hidden.Body);
            Assert.NotEqual("OK", (await server.Get($"spec/validate?what=context&value={Secret}", form)).Body);
            Assert.Equal(HttpStatusCode.BadRequest, (await server.Get($"spec/catalogs?context={Secret}", form)).Status);
        }
        foreach (var form in With)
        {
            var (status, list) = await server.Get("spec/contexts?context=None&format=text", form);
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Contains(Secret, list);
            Assert.Contains($"{Secret}.specobj", (await server.Get("spec/catalogs?format=text", form)).Body);
            Assert.Equal("OK", (await server.Get($"spec/validate?what=context&value={Secret}", form)).Body);
            using var one = JsonDocument.Parse((await server.Get($"spec/contexts?context={Secret}&format=text", form)).Body);
            Assert.Equal(SecretCount, one.RootElement.GetProperty("nspec").GetInt32());
            using var def = JsonDocument.Parse((await server.Get("spec/contexts?context=default&format=text", form)).Body);
            Assert.Equal(DemoCount + SecretCount, def.RootElement.GetProperty("nspec").GetInt32());
        }
    }

    [Fact]
    public async Task Query_never_returns_proprietary_rows_without_a_valid_token()
    {
        var secretId = server.OneSecret.SpecObjId;
        foreach (var form in Without)
        {
            var rows = Lines((await server.Get("spec/query?fields=specobjid,collection&cond=", form)).Body);
            Assert.Equal(DemoCount, rows.Count);
            Assert.DoesNotContain(rows, r => r.Contains(Secret));
            Assert.Empty(Lines((await server.Get($"spec/query?fields=specobjid&cond={Uri.EscapeDataString($"collection = '{Secret}' OR specobjid = {secretId}")}", form)).Body));
            Assert.Empty(Lines((await server.Get($"spec/query?id={secretId}&fields=z&cond=", form)).Body));
            var (status, body) = await server.Get($"spec/query?fields=specobjid&catalog={Secret}.specobj", form);
            Assert.Equal(HttpStatusCode.BadRequest, status);
            Assert.Contains("unknown catalog", body);
        }
        foreach (var form in With)
        {
            Assert.Equal(DemoCount + SecretCount, Lines((await server.Get("spec/query?fields=specobjid&cond=", form)).Body).Count);
            Assert.Equal(SecretCount, Lines((await server.Get($"spec/query?fields=specobjid&catalog={Secret}.specobj&context={Secret}", form)).Body).Count);
            Assert.Single(Lines((await server.Get($"spec/query?id={secretId}&fields=z&cond=", form)).Body));
        }
    }

    [Fact]
    public async Task Retrieval_and_plots_treat_proprietary_ids_as_unknown_without_a_valid_token()
    {
        var secret = server.OneSecret.SpecObjId;
        var demo = server.OneDemo.SpecObjId;
        (string Call, (string, string)[] Fields)[] calls =
        [
            ("getSpec", [("format", "numpy"), ("align", "False"), ("values", "all")]),
            ("listSpan", []),
            ("plotGrid", [("ncols", "2")]),
            ("stackedImage", []),
        ];
        foreach (var (call, fields) in calls)
        {
            var ids = call == "getSpec" ? new[] { secret } : [demo, secret];
            foreach (var form in Without)
            {
                var (status, body) = await server.Post("spec/" + call, form, Form(ids, fields));
                var (noneStatus, noneBody) = await server.Post("spec/" + call, form, Form(ids.Select(i => i == secret ? NoSuchId : i), fields));
                Assert.True(status == noneStatus && status is HttpStatusCode.BadRequest or HttpStatusCode.NotFound, $"{call} {form}: {(int)status} {Encoding.UTF8.GetString(body)}");
                Assert.Equal(Encoding.UTF8.GetString(noneBody).Replace(NoSuchId.ToString(), secret.ToString()), Encoding.UTF8.GetString(body));
                // Named as its context, the collection does not exist either.
                Assert.Equal(HttpStatusCode.BadRequest, (await server.Post("spec/" + call, form, Form(ids, [.. fields, ("context", Secret)]))).Status);
            }
            foreach (var form in With)
            {
                var (status, body) = await server.Post("spec/" + call, form, Form(ids, fields));
                Assert.True(status == HttpStatusCode.OK, $"{call} {form}: {(int)status} {Encoding.UTF8.GetString(body)}");
                Assert.Equal(HttpStatusCode.OK, (await server.Post("spec/" + call, form, Form([secret], [.. fields, ("context", Secret)]))).Status);
            }
        }
        foreach (var form in Without)
        {
            var (status, body) = await server.Get($"spec/preview?id={secret}", form);
            var none = await server.Get($"spec/preview?id={NoSuchId}", form);
            Assert.Equal(none.Status, status);
            Assert.Equal(none.Body.Replace(NoSuchId.ToString(), secret.ToString()), body);
        }
        foreach (var form in With)
            Assert.Equal(HttpStatusCode.OK, (await server.Get($"spec/preview?id={secret}", form)).Status);
    }

    [Fact]
    public async Task The_landing_page_shows_the_proprietary_collection_only_to_its_token_holders()
    {
        foreach (var form in Without) Assert.DoesNotContain(Secret, (await server.Get("", form)).Body);
        foreach (var form in With)
        {
            var body = (await server.Get("", form)).Body;
            Assert.Contains($">{Secret}</a>", body);
            Assert.Contains($"<td class=\"num\">{SecretCount}</td>", body);
        }
        // The search page offers only the collections the caller may see.
        foreach (var form in Without) Assert.DoesNotContain(Secret, (await server.Get("search", form)).Body);
        foreach (var form in With) Assert.Contains($"<option value=\"{Secret}\">", (await server.Get("search", form)).Body);
    }

    /// <summary>The CSV rows after the header (the client splits on '\n' and drops the header and the empty tail).</summary>
    private static List<string> Lines(string csv) => csv.Split('\n').Skip(1).Where(l => l.Length > 0).ToList();
}
