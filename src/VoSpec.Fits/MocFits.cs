using VoSpec.Core.Sky;

namespace VoSpec.Fits;

/// <summary>
/// A spatial MOC (<see cref="Moc"/>) as a FITS file, MOC 2.0's FITS serialisation in its NUNIQ form: an empty primary
/// HDU, then a BINTABLE whose one column UNIQ holds the NUNIQ value of every cell. NUNIQ rather than MOC 2.0's RANGE
/// because MOC 1.x readers (older Aladin, mocpy, STILTS) read it too; the header carries both the MOC 2.0 keywords
/// (MOCVERS, MOCDIM, MOCORD_S) and the MOC 1.x ones (PIXTYPE, MOCORDER).
/// </summary>
public static class MocFits
{
    /// <summary>Writes <paramref name="moc"/>; the stream is left open. UNIQ is 1J when every value fits (max order ≤ 13), else 1K.</summary>
    public static void Write(Stream output, Moc moc)
    {
        long[] uniq = [.. moc.Uniq()];
        bool small = moc.MaxOrder <= 13; // NUNIQ < 16·4^13 = 2^30
        var cards = new FitsHeader()
            .Add("PIXTYPE", "HEALPIX", "HEALPix magic code")
            .Add("ORDERING", "NUNIQ", "NUNIQ coding method")
            .Add("COORDSYS", "C", "reference frame (C=ICRS)")
            .Add("MOCVERS", "2.0", "MOC version")
            .Add("MOCDIM", "SPACE", "physical dimension of the MOC")
            .Add("MOCORD_S", (long)moc.MaxOrder, "MOC resolution (best order)")
            .Add("MOCORDER", (long)moc.MaxOrder, "MOC resolution (MOC 1.x keyword)")
            .Add("MOCTOOL", "VoSpec", "name of the MOC generator");
        using var writer = new FitsWriter(output, leaveOpen: true);
        writer.WritePrimaryHeader();
        using var table = writer.BeginBinaryTable([new TableColumn("UNIQ", small ? "1J" : "1K")], uniq.Length, cards);
        if (small) table.WriteColumns(Array.ConvertAll(uniq, u => (int)u));
        else table.WriteColumns(uniq);
        table.Complete();
    }

    /// <summary>Reads a NUNIQ MOC (ours or another tool's): the first BINTABLE's UNIQ column, max order from MOCORD_S or MOCORDER.</summary>
    public static Moc Read(Stream input, string name = "MOC")
    {
        var file = FitsReader.Read(input, name);
        var table = file.Hdus.OfType<BinaryTable>().FirstOrDefault()
            ?? throw new FitsFormatException($"{name}: no BINTABLE holds the MOC");
        var h = table.Header;
        string ordering = h.GetStringOrNull("ORDERING")?.Trim() ?? "NUNIQ";
        if (ordering != "NUNIQ") throw new FitsFormatException($"{name}: ORDERING '{ordering}' is not supported, only NUNIQ");
        if (h.GetStringOrNull("MOCDIM")?.Trim() is string dim && dim != "SPACE")
            throw new FitsFormatException($"{name}: MOCDIM '{dim}' is not a spatial MOC");
        var column = table.TryGetColumn("UNIQ", out var c) ? c
            : table.Columns.Count == 1 ? table.Columns[0] : throw new FitsFormatException($"{name}: the MOC table has no UNIQ column");
        long[] uniq = table.ReadInt64s(column);
        int? declared = h.TryGetInt("MOCORD_S", out int s) ? s : h.TryGetInt("MOCORDER", out int o) ? o : null;
        try
        {
            // Without a declared order, the deepest cell's order: NUNIQ 4·4^order + cell lies in [4^(order+1), 4^(order+2)).
            int maxOrder = declared ?? (uniq.Length == 0 ? 0 : (63 - System.Numerics.BitOperations.LeadingZeroCount((ulong)Math.Max(4, uniq.Max()))) / 2 - 1);
            return Moc.FromUniq(maxOrder, uniq);
        }
        catch (InvalidSkyGeometryException e) { throw new FitsFormatException($"{name}: {e.Message}", e); }
    }
}
