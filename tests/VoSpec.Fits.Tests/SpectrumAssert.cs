using VoSpec.Core.Spectra;

namespace VoSpec.Fits.Tests;

internal static class SpectrumAssert
{
    /// <summary>Same metadata (record equality) and bit-identical pixel vectors and grid.</summary>
    public static void Equal(Spectrum expected, Spectrum actual)
    {
        Assert.Equal(expected.Meta, actual.Meta);
        var e = expected.Arrays; var a = actual.Arrays;
        Assert.Equal(e.Grid.GetType(), a.Grid.GetType());
        if (e.Grid is LogLinearGrid eg)
        {
            var ag = (LogLinearGrid)a.Grid;
            Assert.Equal(eg.Log10Start, ag.Log10Start);
            Assert.Equal(eg.Log10Step, ag.Log10Step);
        }
        Assert.Equal(e.Grid.ToArray(), a.Grid.ToArray());
        Assert.Equal(e.Flux, a.Flux);
        Assert.Equal(e.Ivar, a.Ivar);
        Assert.Equal(e.AndMask, a.AndMask);
        Assert.Equal(e.OrMask, a.OrMask);
        Assert.Equal(e.WDisp, a.WDisp);
        Assert.Equal(e.Sky, a.Sky);
        Assert.Equal(e.Model, a.Model);
    }
}
