using VoSpec.Core.Spectra;

namespace VoSpec.Archive.Ingest;

/// <summary>The surveys whose files ingest recognises, each by content (see <see cref="SpectrumFileReader"/>).</summary>
public enum Survey { Sdss, Desi, Lamost }

/// <summary>
/// The spectra one survey file holds: one for SDSS and LAMOST, the target fibres of a DESI file (its sky and
/// unassigned fibres are counted in <see cref="SkippedFibres"/>, not stored).
/// <see cref="SourceRows"/>, when set, says the file is to be served in place (<c>vospec ingest --in-place</c>): each
/// spectrum's FIBERMAP row, its arrays holding its grid only (no pixel was read).
/// </summary>
public sealed record SurveyFile(Survey Survey, string Format, IReadOnlyList<Spectrum> Spectra, int SkippedFibres = 0, IReadOnlyList<int>? SourceRows = null)
{
    public const string DesiCollection = "desi";
    public const string LamostCollection = "lamost";

    /// <summary>
    /// The collection a survey's spectra go to: SDSS files to the one the caller names, DESI and LAMOST each to
    /// their own (their ids, units and ObsCore values are not SDSS's).
    /// </summary>
    public string CollectionFor(string sdssCollection) => Survey switch
    {
        Survey.Desi => DesiCollection,
        Survey.Lamost => LamostCollection,
        _ => sdssCollection,
    };

    public string? Title => Survey switch
    {
        Survey.Desi => "DESI spectra (coadds and single exposures)",
        Survey.Lamost => "LAMOST low-resolution spectra",
        _ => null,
    };
}
