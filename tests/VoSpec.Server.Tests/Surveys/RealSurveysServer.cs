using VoSpec.Archive;
using VoSpec.Archive.Ingest;
using VoSpec.Testing;

namespace VoSpec.Server.Tests.Surveys;

/// <summary>
/// The real server over every real file in ../shared/data/real (SDSS, DESI, LAMOST; read where they lie), each survey
/// in the collection ingest gives it; <see cref="PostgresRealSurveysServer"/> is the same with the catalogue in PostgreSQL.
/// </summary>
public class RealSurveysServer : RunningServer
{
    /// <summary>20 SDSS spectra, 8 DESI target fibres (2 in each of 4 files), 2 LAMOST spectra.</summary>
    public const int Spectra = 30;

    protected override void BeforeStart()
    {
        using var archive = SpectrumArchive.Open(ArchiveDir, new ArchiveOptions { Database = Database });
        var report = new Ingester(archive).Run([TestPaths.RealData], "sdss");
        if (report.Ingested != Spectra || report.Failed != 0)
            throw new InvalidOperationException($"expected the {Spectra} real spectra, ingested {report.Ingested}: {string.Join("; ", report.Failures)}");
    }

    /// <summary>(collection, publisher DID, specobjid, obs_id) of every spectrum, from the catalogue.</summary>
    public IReadOnlyList<(string Collection, string Did, long SpecObjId, string ObsId)> Spectrum() =>
        Query("SELECT o.obs_collection, o.obs_publisher_did, s.specobjid, o.obs_id FROM ivoa.obscore o JOIN spec.specobj s ON s.obs_id = o.obs_id AND s.collection = o.obs_collection ORDER BY o.obs_collection, o.obs_id")
            .Select(r => ((string)r[0]!, (string)r[1]!, Convert.ToInt64(r[2], System.Globalization.CultureInfo.InvariantCulture), (string)r[3]!)).ToList();
}

public sealed class PostgresRealSurveysServer : RealSurveysServer
{
    public PostgresRealSurveysServer() => Database = PostgresDatabases.NewDatabase();
}
