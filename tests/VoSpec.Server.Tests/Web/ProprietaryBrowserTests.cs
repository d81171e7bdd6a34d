using OpenQA.Selenium;
using VoSpec.Server.Tests.Access;
using Xunit;

namespace VoSpec.Server.Tests.Web;

/// <summary>
/// The pages with a proprietary collection, in Chromium: without a token the search and the viewer see only public
/// spectra; a token typed into the header's field (kept in the tab's sessionStorage, sent as Authorization on every
/// fetch) opens the proprietary rows, their thumbnails, the viewer and getSpec's aligned overlay, and never appears in
/// the address, the permalink or the SODA links; "Forget" closes them again.
/// </summary>
[Collection("host")]
public sealed class ProprietaryBrowserTests(ProprietaryServer server) : IClassFixture<ProprietaryServer>, IDisposable
{
    private readonly Browser _b = new();
    private Uri Url(string path) => new(server.Client.BaseAddress!, path);

    public void Dispose() => _b.Dispose();

    private string Status() => _b.Driver.FindElement(By.Id("status")).Text;

    private long InkPixels() => Convert.ToInt64(_b.Js("""
        const c = document.querySelector('#chart canvas');
        if (!c) return 0;
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let n = 0;
        for (let i = 0; i < d.length; i += 4) if (d[i + 3] > 0 && d[i + 2] > d[i] + 40) n++;
        return n;
        """));

    private void UseToken(string token)
    {
        var field = _b.Driver.FindElement(By.Id("token"));
        field.SendKeys(token);
        field.SendKeys(Keys.Enter);
        _b.Until(() => _b.Driver.FindElement(By.Id("token-status")).Text == "token in use", "the token in use");
    }

    [Fact]
    public void A_token_in_the_header_opens_the_proprietary_collection_on_every_page_and_stays_out_of_urls()
    {
        int all = ProprietaryServer.DemoCount + ProprietaryServer.SecretCount;
        var (_, secretDid) = server.OneSecret;
        var (_, demoDid) = server.OneDemo;

        // Without a token: only the public rows, and the proprietary spectrum is not shown.
        _b.Open(Url("search?top=100"));
        _b.Until(() => Status().Contains("found"), "the search without a token");
        Assert.Equal($"{ProprietaryServer.DemoCount} rows found.", Status());
        _b.Open(Url("view?ID=" + Uri.EscapeDataString(secretDid)));
        _b.Until(() => _b.Driver.FindElement(By.Id("view-status")).Text.Contains("Not shown"), "the refusal without a token");

        // A wrong token is no token.
        _b.Open(Url("search?top=100"));
        UseToken("not-a-token");
        _b.Until(() => Status().Contains("found"), "the search with a wrong token");
        Assert.Equal($"{ProprietaryServer.DemoCount} rows found.", Status());
        _b.Driver.FindElement(By.Id("token-forget")).Click();
        _b.Until(() => _b.Driver.FindElement(By.Id("token-status")).Text == "", "the wrong token forgotten");

        // With the token: every row, with their thumbnails (fetched with the token, shown from blob: URLs).
        UseToken(ProprietaryServer.PlainToken);
        _b.Until(() => Status().Contains("found"), "the search with the token");
        Assert.Equal($"{all} rows found.", Status());
        _b.Until(() => (bool)_b.Js("return [...document.querySelectorAll('img.thumb')].every(i => i.complete && i.naturalWidth > 0)")!, "the thumbnails");
        Assert.Contains(secretDid, _b.Driver.FindElement(By.Id("result-table")).Text);
        Assert.DoesNotContain(ProprietaryServer.PlainToken, _b.Driver.Url);
        Assert.Empty(_b.Problems());

        // The viewer: the proprietary spectrum through DataLink and SODA, then overlaid with a public one through
        // getSpec (one aligned request per collection).
        _b.Open(Url("view?ID=" + Uri.EscapeDataString(secretDid)));
        _b.Until(() => InkPixels() > 300, "the proprietary spectrum drawn");
        Assert.Equal("", _b.Driver.FindElement(By.Id("view-status")).Text);
        _b.Open(Url("view?ID=" + Uri.EscapeDataString(secretDid) + "&ID=" + Uri.EscapeDataString(demoDid)));
        _b.Until(() => _b.Driver.FindElements(By.CssSelector(".soda-url")).Count == 2 && InkPixels() > 300, "the overlay drawn");
        Assert.Equal("", _b.Driver.FindElement(By.Id("view-status")).Text);
        Assert.Equal(2L, Convert.ToInt64(_b.Js("return performance.getEntriesByType('resource').filter(e => e.name.endsWith('/spec/getSpec')).length")));
        _b.Driver.FindElement(By.Id("zoom-in")).Click();
        _b.Until(() => _b.Driver.FindElement(By.Id("soda-url-0")).GetAttribute("href")!.Contains("BAND="), "the zoom");
        string permalink = _b.Driver.FindElement(By.Id("permalink")).GetAttribute("href")!;
        foreach (var text in new[] { permalink, _b.Driver.Url, _b.Driver.FindElement(By.Id("soda-urls")).Text })
            Assert.DoesNotContain(ProprietaryServer.PlainToken, text);
        Assert.Equal(ProprietaryServer.PlainToken, (string)_b.Js("return sessionStorage.getItem('vospec-token')")!);
        // The SODA link downloads with the token: the page fetches it (a blob: link is what the browser saves).
        _b.Js("window.__saved = []; HTMLAnchorElement.prototype.click = function () { window.__saved.push([this.href, this.download]); };");
        _b.Js("document.getElementById('soda-url-0').dispatchEvent(new MouseEvent('click', { bubbles: true, cancelable: true }))");
        _b.Until(() => Convert.ToInt64(_b.Js("return window.__saved.length")) == 1, "the SODA download");
        var saved = (IReadOnlyCollection<object>)((IReadOnlyCollection<object>)_b.Js("return window.__saved")!).Single();
        Assert.StartsWith("blob:", (string)saved.First());
        Assert.EndsWith(".fits", (string)saved.Last());
        // (The page's policy lets no script read a blob: URL back; the name comes from SODA's own answer.)
        Assert.Empty(_b.Problems());

        // Forget: the proprietary spectrum is gone again.
        _b.Driver.FindElement(By.Id("token-forget")).Click();
        _b.Until(() => _b.Driver.FindElement(By.Id("view-status")).Text.Contains("Not shown"), "the proprietary spectrum refused after Forget");
        Assert.Null(_b.Js("return sessionStorage.getItem('vospec-token')"));
    }

    [Fact]
    public void With_a_token_the_landing_and_search_pages_list_the_collections_it_grants_and_say_links_stay_public()
    {
        IReadOnlyList<string> Listed() => _b.Driver.FindElements(By.CssSelector("#collections tbody tr td:first-child a")).Select(a => a.Text).ToList();
        IReadOnlyList<string> Options() => _b.Driver.FindElements(By.CssSelector("#collection option")).Select(o => o.GetAttribute("value")!).ToList();
        bool NoteShown() => _b.Driver.FindElements(By.CssSelector(".token-note")).Any(n => n.Displayed);

        // Without a token: the public collection only, and no note.
        _b.Open(Url(""));
        Assert.DoesNotContain(ProprietaryServer.Secret, Listed());
        _b.Open(Url("search"));
        Assert.DoesNotContain(ProprietaryServer.Secret, Options());
        Assert.False(NoteShown());

        // With the token: the landing page's table and sky map, and the search page's list, hold the proprietary
        // collection too (the server's parts fetched again with the token).
        _b.Open(Url(""));
        UseToken(ProprietaryServer.PlainToken);
        _b.Until(() => Listed().Contains(ProprietaryServer.Secret), "the proprietary collection in the landing page's table");
        var row = _b.Driver.FindElements(By.CssSelector("#collections tbody tr")).Single(r => r.Text.StartsWith(ProprietaryServer.Secret, StringComparison.Ordinal));
        Assert.Contains(ProprietaryServer.SecretCount.ToString(System.Globalization.CultureInfo.InvariantCulture), row.Text);
        Assert.Contains("proprietary", row.Text);
        _b.Until(() => (bool)_b.Js("const i = document.getElementById('skymap'); return i.src.startsWith('blob:') && i.complete && i.naturalWidth > 0")!, "the sky map fetched with the token");
        Assert.Empty(_b.Problems());

        // The search page: the list holds it, and a search in it from the address finds its rows.
        _b.Open(Url("search?collection=" + ProprietaryServer.Secret));
        _b.Until(() => Options().Contains(ProprietaryServer.Secret), "the proprietary collection in the search page's list");
        _b.Until(() => Status().Contains("found"), "the search in the proprietary collection");
        Assert.Equal($"{ProprietaryServer.SecretCount} rows found.", Status());
        Assert.Equal(ProprietaryServer.Secret, _b.Driver.FindElement(By.Id("collection")).GetDomProperty("value"));
        // Beside the copy and SAMP buttons: the note that what they hand on does not carry the token.
        Assert.True(NoteShown(), "the token note on the search page");
        Assert.Contains("do not carry your access token", _b.Driver.FindElement(By.CssSelector(".token-note")).Text);
        var (_, secretDid) = server.OneSecret;
        _b.Open(Url("view?ID=" + Uri.EscapeDataString(secretDid)));
        _b.Until(() => InkPixels() > 300, "the proprietary spectrum drawn");
        Assert.True(NoteShown(), "the token note on the viewer");
        Assert.Empty(_b.Problems());

        _b.Driver.FindElement(By.Id("token-forget")).Click();
        _b.Until(() => _b.Driver.FindElement(By.Id("token-status")).Text == "", "the token forgotten");
        Assert.False(NoteShown());
        _b.Open(Url(""));
        Assert.DoesNotContain(ProprietaryServer.Secret, Listed());
    }
}
