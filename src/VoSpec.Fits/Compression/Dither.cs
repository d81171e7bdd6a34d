namespace VoSpec.Fits.Compression;

/// <summary>
/// The convention's fixed sequence of 10 000 pseudo-random numbers in [0, 1) (Park–Miller, seed 1, kept as
/// float) that SUBTRACTIVE_DITHER_1/2 quantization added before rounding; restoring a pixel subtracts the same value.
/// </summary>
internal static class Dither
{
    public const int Count = 10000;

    public static readonly float[] Values = Make();

    private static float[] Make()
    {
        const double a = 16807, m = 2147483647;
        var values = new float[Count];
        double seed = 1;
        for (int i = 0; i < Count; i++)
        {
            double t = a * seed;
            seed = t - m * Math.Floor(t / m);
            values[i] = (float)(seed / m);
        }
        // The convention gives the seed after the last step as the check that the sequence is the right one.
        if (seed != 1043618065) throw new InvalidOperationException("dither sequence does not match the FITS convention");
        return values;
    }
}
