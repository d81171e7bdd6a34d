namespace VoSpec.Core.Spectra;

/// <summary>
/// SDSS's bit-packed specObjID (DR8 and later): plate in bits 50–63, fiber 38–49,
/// MJD−50000 24–37, run2d 10–23. Real files carry their own; the demo generator
/// makes them the same way so ids look and sort like real ones.
/// </summary>
public static class SpecObjId
{
    public static long Pack(int plate, int mjd, int fiberId, int run2dCode)
    {
        ulong v = ((ulong)plate << 50) | ((ulong)fiberId << 38) | ((ulong)(mjd - 50000) << 24) | ((ulong)run2dCode << 10);
        return unchecked((long)v);
    }

    public static (int Plate, int Mjd, int FiberId) Unpack(long specObjId)
    {
        ulong v = unchecked((ulong)specObjId);
        return ((int)(v >> 50), (int)((v >> 24) & 0x3FFF) + 50000, (int)((v >> 38) & 0xFFF));
    }
}
