namespace VoSpec.Archive.Catalogue;

/// <summary>
/// Writes spectra into one collection, a batch at a time: each batch's pixels are appended and flushed, then its rows
/// go into the catalogue in one transaction with the store's new committed length. A batch that fails leaves nothing.
/// </summary>
internal interface ICatalogueWriter : IDisposable
{
    /// <summary>The collection this writer writes.</summary>
    string Collection { get; }

    /// <summary>Whether the collection already holds this specobjid.</summary>
    bool Contains(long specObjId);

    /// <summary>Puts a batch in sky order and makes its rows; safe to call while another batch is being written.</summary>
    PreparedBatch Prepare(IReadOnlyList<CatalogueItem> items);

    /// <summary>Stores a prepared batch atomically; items already present must have been left out by the caller.</summary>
    void WriteBatch(PreparedBatch batch);

    /// <summary>Prepares and stores a batch atomically.</summary>
    void WriteBatch(IReadOnlyList<CatalogueItem> items) => WriteBatch(Prepare(items));

    /// <summary>Builds the indexes a bulk load deferred (each in one pass).</summary>
    void BuildDeferredIndexes();

    /// <summary>Where a load's time went, phase by phase.</summary>
    IReadOnlyList<(WritePhase Phase, TimeSpan Time)> Times { get; }
}

/// <summary>The phases of a write whose time a load reports (issue 18 asks where the time goes).</summary>
public enum WritePhase { SkyOrder, Values, Store, SpecObj, ObsCore, RTree, Commit, Indexes, Pixels }
