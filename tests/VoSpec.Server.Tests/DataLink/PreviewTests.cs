using System.Buffers.Binary;
using System.Net;
using System.Xml.Linq;
using Xunit;

namespace VoSpec.Server.Tests.DataLink;

[Collection("host")]
public class PreviewTests(RunningServer server) : IClassFixture<RunningServer>
{
    private static (int Width, int Height) PngSize(byte[] png)
    {
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png[..4]);
        return (BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)), BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20)));
    }

    [Fact]
    public async Task Links_offer_full_and_thumbnail_previews_that_are_pngs_of_those_sizes_and_cached()
    {
        var did = Catalogue.Spectra(server, 1)[0].Did;
        var doc = XDocument.Parse(await server.Client.GetStringAsync($"datalink/links?ID={Catalogue.Esc(did)}"));
        var previews = Catalogue.Rows(doc).Where(r => r["semantics"] == "#preview").ToList();
        Assert.Equal(2, previews.Count);
        Assert.All(previews, p => Assert.Equal("image/png", p["content_type"]));

        var full = await server.Client.GetAsync(previews.Single(p => p["local_semantics"] == "preview")["access_url"]);
        Assert.Equal(HttpStatusCode.OK, full.StatusCode);
        Assert.Equal("image/png", full.Content.Headers.ContentType?.MediaType);
        var fullBytes = await full.Content.ReadAsByteArrayAsync();
        Assert.Equal((1000, 500), PngSize(fullBytes));
        var thumb = await server.Client.GetByteArrayAsync(previews.Single(p => p["local_semantics"] == "preview-thumbnail")["access_url"]);
        Assert.Equal((320, 200), PngSize(thumb));

        // The second request is the cached file: the same bytes, and the file is in the archive's preview cache.
        Assert.Equal(fullBytes, await server.Client.GetByteArrayAsync(previews.Single(p => p["local_semantics"] == "preview")["access_url"]));
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(server.ArchiveDir, "previews"), "*", SearchOption.AllDirectories));
    }

    [Theory]
    [InlineData("datalink/preview?ID=ivo%3A%2F%2Fvospec.local%2Fdemo%3F1", HttpStatusCode.NotFound, "NotFoundFault")]
    [InlineData("datalink/preview?ID=nonsense", HttpStatusCode.BadRequest, "UsageFault")]
    [InlineData("datalink/preview", HttpStatusCode.BadRequest, "UsageFault")]
    public async Task Bad_preview_requests_get_a_fault_text(string url, HttpStatusCode status, string fault)
    {
        var r = await server.Client.GetAsync(url);
        Assert.Equal(status, r.StatusCode);
        Assert.Contains(fault, await r.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_bad_size_is_a_usage_fault()
    {
        var did = Catalogue.Spectra(server, 1)[0].Did;
        var r = await server.Client.GetAsync($"datalink/preview?ID={Catalogue.Esc(did)}&SIZE=99999x1");
        Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        Assert.Contains("UsageFault", await r.Content.ReadAsStringAsync());
    }
}
