using System.Globalization;
using VoSpec.Server.DataLink;
using VoSpec.VOTable;
using ServiceDescriptor = VoSpec.VOTable.ServiceDescriptor;

using VoSpec.Server.Formats;

namespace VoSpec.Server.DataLink;

/// <summary>
/// The dataset-specific SODA service descriptor a {links} response carries for each spectrum: the ID fixed to
/// the spectrum's DID, and every parameter /soda/sync accepts with the spectrum's own domain as VALUES.
/// </summary>
public static class SodaDescriptor
{
    /// <summary>The SODA service's synchronous endpoint, relative to the public URL (mapped by the SODA endpoints under /soda).</summary>
    public const string SyncPath = "soda/sync";

    public static ServiceDescriptor For(Dataset d, string xmlId, string publicUrl) => new(publicUrl + SyncPath)
    {
        ID = xmlId,
        Name = $"SODA cutout of {d.ObsId}",
        Description = "Cut out a wavelength range (BAND, vacuum metres) of this spectrum; POS/CIRCLE/POLYGON, TIME and POL keep or reject the whole spectrum",
        StandardId = ServiceDescriptor.SodaSyncStandardId,
        ContentType = SpectrumFits.ContentType,
        InputParams =
        [
            new VOTableParam(VOTableField.Text("ID", "meta.id;meta.main") with { Description = "Publisher DID of the spectrum" }, d.Did),
            VOTableParam.Input(new VOTableField("BAND", "double")
            {
                Arraysize = "2", Xtype = "interval", Unit = "m", Ucd = "em.wl;stat.interval",
                Description = "Vacuum wavelength interval to extract, 'lo hi' in metres (-Inf/+Inf for open ends)",
            }, new VOTableValues { Min = R(d.EmMin), Max = R(d.EmMax) }),
            VOTableParam.Input(VOTableField.Text("POS", "pos.outline;obs") with
            {
                Description = "CIRCLE lon lat r, RANGE lon1 lon2 lat1 lat2 or POLYGON lon1 lat1 ... (ICRS degrees): keeps the spectrum if its fibre overlaps",
            }),
            VOTableParam.Input(new VOTableField("CIRCLE", "double")
            {
                Arraysize = "3", Xtype = "circle", Unit = "deg", Ucd = "pos.outline;obs",
                Description = "Circle 'lon lat radius' (ICRS degrees): keeps the spectrum if its fibre overlaps",
            }, new VOTableValues { Max = $"{R(d.Ra)} {R(d.Dec)} {R(d.ApertureRadius)}" }),
            VOTableParam.Input(new VOTableField("POLYGON", "double")
            {
                Arraysize = "*", Xtype = "polygon", Unit = "deg", Ucd = "pos.outline;obs",
                Description = "Polygon 'lon1 lat1 lon2 lat2 ...' (ICRS degrees, at least 3 vertices): keeps the spectrum if its fibre overlaps",
            }),
            VOTableParam.Input(new VOTableField("TIME", "double")
            {
                Arraysize = "2", Xtype = "interval", Unit = "d", Ucd = "time.interval;obs.exposure",
                Description = "MJD interval 'lo hi' (UTC): keeps the spectrum if its exposures overlap",
            }, d.TMin is double t0 && d.TMax is double t1 ? new VOTableValues { Min = R(t0), Max = R(t1) } : null),
            VOTableParam.Input(VOTableField.Text("POL", "meta.code;phys.polarization") with
            {
                Description = "Polarisation states to keep (repeatable); fibre spectra hold only I",
            }, new VOTableValues { Options = [new VOTableOption("I")] }),
            VOTableParam.Input(VOTableField.Text("RESPONSEFORMAT") with { Description = "Output format (default application/fits)" },
                new VOTableValues { Options = SpectrumFormats.MimeTypes.Select(m => new VOTableOption(m)).ToList() }),
        ],
    };

    private static string R(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}
