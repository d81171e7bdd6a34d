using System.Data.Common;
using VoSpec.Archive.Queries;
using VoSpec.Fits.Desi;

namespace VoSpec.Archive.Catalogue;

/// <summary>
/// Which spectra of the archive were made from which (DataLink's #progenitor and #derivation), as every backend
/// reads it: DESI's coadd of a target and the single exposures of the same target in the same group (survey, program
/// and HEALPix pixel, or tile and night), found through desi_fibermap's TARGETID index — the asked spectrum's row by
/// its specobjid index, then the few rows of that target — so the cost does not grow with the archive.
/// </summary>
internal static class SpectrumFamilies
{
    /// <summary>
    /// Every spectrum of the asked one's target that is a coadd when it is an exposure or the reverse; the group is
    /// checked on the names (<see cref="DesiConventions.IsExposureOf"/>). Parameters @c (collection) and @id (specobjid).
    /// The collection is compared as an expression (<c>|| ''</c>) so that neither SQLite without statistics nor
    /// PostgreSQL before its ANALYZE picks the collection's index (every DESI row) over the specobjid's (one row).
    /// </summary>
    public const string Sql = """
        SELECT a.expid, e.expid, e.targetid, e.collection, o.obs_id, o.obs_publisher_did, st.npix, o.instrument_name
        FROM desi_fibermap a
        JOIN desi_fibermap e ON e.targetid = a.targetid
        JOIN spectrum_store st ON st.collection = e.collection AND st.specobjid = e.specobjid
        JOIN ivoa_obscore o ON o.spec_id = st.spec_id
        WHERE a.specobjid = @id AND a.collection || '' = @c AND (a.expid IS NULL) <> (e.expid IS NULL)
        ORDER BY e.expid, o.obs_id
        """;

    /// <summary>Whether <paramref name="dataset"/> can have relatives at all (only DESI spectra do): others cost no query.</summary>
    public static bool MayHaveRelatives(Dataset dataset) => dataset.Instrument == DesiConventions.Instrument;

    /// <summary>The rows of <see cref="Sql"/> that are of the asked spectrum's group, as relatives.</summary>
    public static List<RelatedSpectrum> Read(DbDataReader r, Dataset asked)
    {
        var found = new List<RelatedSpectrum>();
        while (r.Read())
        {
            long? askedExp = r.IsDBNull(0) ? null : r.GetInt64(0);
            long? otherExp = r.IsDBNull(1) ? null : r.GetInt64(1);
            long targetId = r.GetInt64(2);
            string obsId = r.IsDBNull(4) ? "" : r.GetString(4);
            bool sameGroup = askedExp is long a ? DesiConventions.IsExposureOf(obsId, asked.ObsId, targetId, a)
                : DesiConventions.IsExposureOf(asked.ObsId, obsId, targetId, otherExp!.Value);
            if (!sameGroup) continue;
            found.Add(new RelatedSpectrum(askedExp is null ? SpectrumRelation.Progenitor : SpectrumRelation.Derivation,
                Did: r.GetString(5), ObsId: obsId, Collection: r.GetString(3), ExpId: otherExp,
                NPix: r.GetInt32(6), Instrument: r.IsDBNull(7) ? "" : r.GetString(7)));
        }
        return found;
    }
}
