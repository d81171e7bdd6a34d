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

    [Fact]
    public async Task A_cached_preview_carries_validators_and_a_request_that_still_holds_them_gets_304()
    {
        var did = Catalogue.Spectra(server, 2)[1].Did;
        var url = $"datalink/preview?ID={Catalogue.Esc(did)}&SIZE=thumbnail";
        var first = await server.Client.GetAsync(url);
        var png = await first.Content.ReadAsByteArrayAsync();
        Assert.Equal(png.Length, first.Content.Headers.ContentLength);
        var etag = first.Headers.ETag ?? throw new Xunit.Sdk.XunitException("no ETag");
        var modified = first.Content.Headers.LastModified ?? throw new Xunit.Sdk.XunitException("no Last-Modified");
        Assert.NotNull(first.Headers.CacheControl?.MaxAge);

        using var byTag = new HttpRequestMessage(HttpMethod.Get, url);
        byTag.Headers.IfNoneMatch.Add(etag);
        var notModified = await server.Client.SendAsync(byTag);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        Assert.Empty(await notModified.Content.ReadAsByteArrayAsync());
        Assert.Equal(etag, notModified.Headers.ETag);

        using var byDate = new HttpRequestMessage(HttpMethod.Get, url);
        byDate.Headers.IfModifiedSince = modified;
        Assert.Equal(HttpStatusCode.NotModified, (await server.Client.SendAsync(byDate)).StatusCode);

        // Another tag, or a date before the render: the whole PNG again.
        using var otherTag = new HttpRequestMessage(HttpMethod.Get, url);
        otherTag.Headers.IfNoneMatch.Add(new System.Net.Http.Headers.EntityTagHeaderValue("\"other\""));
        otherTag.Headers.IfModifiedSince = modified;
        var again = await server.Client.SendAsync(otherTag);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(png, await again.Content.ReadAsByteArrayAsync());
        using var older = new HttpRequestMessage(HttpMethod.Get, url);
        older.Headers.IfModifiedSince = modified.AddHours(-1);
        Assert.Equal(HttpStatusCode.OK, (await server.Client.SendAsync(older)).StatusCode);
    }

    [Fact]
    public async Task A_preview_deleted_from_the_cache_directory_is_rendered_again_not_served_from_memory()
    {
        var did = Catalogue.Spectra(server, 3)[2].Did;
        var url = $"datalink/preview?ID={Catalogue.Esc(did)}&SIZE=200x100";
        var png = await server.Client.GetByteArrayAsync(url);
        foreach (var f in Directory.GetFiles(Path.Combine(server.ArchiveDir, "previews"), "*200x100*")) File.Delete(f);
        Assert.Equal((200, 100), PngSize(await server.Client.GetByteArrayAsync(url)));
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(server.ArchiveDir, "previews"), "*200x100*"));
        Assert.NotEmpty(png);
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
