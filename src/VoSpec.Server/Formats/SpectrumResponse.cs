using Microsoft.AspNetCore.Http;
using VoSpec.Archive;
using VoSpec.Core.Spectra;
using VoSpec.Engine;

namespace VoSpec.Server.Formats;

/// <summary>Writes pixels of an archived spectrum to a response in one of the <see cref="SpectrumFormat"/>s.</summary>
public static class SpectrumResponse
{
    /// <summary>
    /// The archived vectors of <paramref name="dataset"/> (copied once out of the pixel store: a
    /// <see cref="SpectrumCutout"/> views managed arrays) and its catalogue metadata.
    /// </summary>
    public static (SpectrumMeta Meta, SpectrumArrays Arrays) Load(SpectrumArchive archive, Dataset dataset)
    {
        var meta = dataset.Meta ?? archive.Lookup.LoadMeta(dataset.Location.SpecId)
            ?? throw new InvalidOperationException($"spectrum {dataset.Location.SpecId} has a store entry but no catalogue row");
        return (meta with { Instrument = dataset.Instrument.Length > 0 ? dataset.Instrument : meta.Instrument }, archive.ReadPixels(dataset.Location).ToArrays());
    }

    public static async Task WriteAsync(HttpResponse response, SpectrumMeta meta, SpectrumCutout view, string did, SpectrumFormat format, string? fileName, CancellationToken ct)
    {
        response.ContentType = SpectrumNegotiation.Dali.ContentType(format);
        if (fileName is not null)
            response.Headers.ContentDisposition = $"inline; filename=\"{fileName}{SpectrumFormats.Extension(format)}\"";
        switch (format)
        {
            case SpectrumFormat.Fits:
                await SpectrumFits.WriteAsync(response, meta, view, did, ct);
                break;
            case SpectrumFormat.VOTable:
                await SpectrumVOTable.WriteAsync(meta, view, did, response.Body, ct);
                break;
            case SpectrumFormat.Npy:
                response.ContentLength = SpectrumNpy.Length(view.Count);
                await SpectrumNpy.WriteAsync(view, response.Body, ct);
                break;
            default:
                await SpectrumCsv.WriteAsync(view, response.Body, ct);
                break;
        }
    }
}
