using Xunit;

namespace VoSpec.VOTable.Tests;

public class ServiceDescriptorTests
{
    private static readonly ServiceDescriptor Soda = new("https://host/tap/soda")
    {
        ID = "soda",
        Name = "SODA spectral cutout",
        Description = "Cut out a wavelength range of this spectrum",
        StandardId = ServiceDescriptor.SodaSyncStandardId,
        InputParams =
        [
            VOTableParam.RowBound("ID", "pubdid", "meta.id;meta.main"),
            VOTableParam.Input(new VOTableField("BAND", "double") { Arraysize = "2", Xtype = "interval", Unit = "m", Ucd = "em.wl;stat.interval", Description = "Vacuum wavelength interval" },
                new VOTableValues { Min = "3.8e-07", Max = "9.2e-07" }),
            VOTableParam.Input(new VOTableField("POL", "char") { Arraysize = "*", Ucd = "meta.code;phys.polarization" },
                new VOTableValues { Options = [new VOTableOption("I")] }),
            VOTableParam.Input(new VOTableField("RESPONSEFORMAT", "char") { Arraysize = "*" },
                new VOTableValues { Options = [new VOTableOption("application/fits", "FITS"), new VOTableOption("application/x-votable+xml")] }),
        ],
    };

    internal static byte[] DocumentWithDescriptors()
    {
        var ms = new MemoryStream();
        using (var w = new VOTableWriter(ms, leaveOpen: true))
        {
            w.BeginDocument("DataLink hooks");
            w.WriteCooSys("icrs", "ICRS");
            w.WriteTimeSys("ts", "UTC", "TOPOCENTER", "MJD-origin");
            w.BeginResource();
            w.WriteInfo("QUERY_STATUS", "OK");
            w.WriteInfo("standardID", "ivo://ivoa.net/std/TAP");
            w.BeginTable([
                new VOTableField("obs_publisher_did", "char") { Arraysize = "*", ID = "pubdid", Ucd = "meta.ref.ivoid" },
                new VOTableField("s_ra", "double") { Unit = "deg", Ucd = "pos.eq.ra", Ref = "icrs" },
                new VOTableField("t_min", "double") { Unit = "d", Ref = "ts" },
            ], Serialization.TableData);
            w.WriteRow(["ivo://auth/spec?1-2-3", 10.5, 55000.25]);
            w.EndTable();
            w.EndResource();
            w.WriteServiceDescriptor(ServiceDescriptor.DataLink("https://host/tap/datalink/links", "pubdid"));
            w.WriteServiceDescriptor(Soda);
            w.EndDocument();
        }
        return ms.ToArray();
    }

    [Fact]
    public void Descriptors_are_meta_resources_with_an_inputParams_group_and_read_back()
    {
        var doc = VOTableReader.Read(new MemoryStream(DocumentWithDescriptors()));
        var sds = doc.ServiceDescriptors.ToList();
        Assert.Equal(2, sds.Count);
        var links = sds[0];
        Assert.Equal(ServiceDescriptor.DataLinkStandardId, links.StandardId);
        Assert.Equal("https://host/tap/datalink/links", links.AccessUrl);
        Assert.Equal(ServiceDescriptor.DataLinkContentType, links.ContentType);
        var id = Assert.Single(links.InputParams);
        Assert.Equal(("ID", "pubdid", ""), (id.Name, id.Field.Ref, id.Value));
        Assert.Equal("pubdid", doc.Tables.Single().Fields[0].ID);

        var soda = sds[1];
        Assert.Equal("soda", soda.ID);
        Assert.Equal("Cut out a wavelength range of this spectrum", soda.Description);
        var band = soda.Input("band")!;
        Assert.Equal(("3.8e-07", "9.2e-07", "m", "interval"), (band.Values!.Min, band.Values.Max, band.Field.Unit, band.Field.Xtype));
        Assert.Equal("Vacuum wavelength interval", band.Field.Description);
        Assert.Equal(["application/fits", "application/x-votable+xml"], soda.Input("RESPONSEFORMAT")!.Values!.Options.Select(o => o.Value));
        Assert.All(doc.AllResources.Where(r => r.Type == "meta"), r => Assert.Equal("adhoc:service", r.Utype));
    }

    [Fact]
    public void An_empty_inputParams_group_is_still_written()
    {
        var ms = new MemoryStream();
        using (var w = new VOTableWriter(ms, leaveOpen: true))
        {
            w.BeginDocument();
            w.BeginResource();
            w.EndResource();
            w.WriteServiceDescriptor(new ServiceDescriptor("https://host/x"));
            w.EndDocument();
        }
        Assert.Contains("<GROUP name=\"inputParams\" />", AllTypes.Text(ms.ToArray()));
    }

    [Fact]
    public void A_ref_to_a_missing_FIELD_ID_is_refused_at_EndDocument()
    {
        var w = new VOTableWriter(new MemoryStream());
        w.BeginDocument();
        w.BeginResource();
        w.BeginTable([new VOTableField("obs_publisher_did", "char") { Arraysize = "*" }]);
        w.EndTable();
        w.EndResource();
        w.WriteServiceDescriptor(ServiceDescriptor.DataLink("https://host/links", "pubdid"));
        var e = Assert.Throws<InvalidOperationException>(() => w.EndDocument());
        Assert.Contains("pubdid", e.Message);
    }
}
