using VoSpec.Core.Sky;
using Xunit;

namespace VoSpec.Core.Tests;

/// <summary>
/// HEALPix NESTED indexes against values that follow from the scheme's layout (Górski et al. 2005): the 12 base
/// pixels at order 0, and at orders 0 to 5 the centre of every pixel — computed here independently, with the paper's
/// pix2ang equations — mapping back to that pixel.
/// </summary>
public class HealpixTests
{


    [Theory]
    [InlineData(0, 0, 4)]
    [InlineData(90, 0, 5)]
    [InlineData(180, 0, 6)]
    [InlineData(270, 0, 7)]
    [InlineData(-90, 0, 7)]
    [InlineData(45, 41.8103148957786, 0)]
    [InlineData(135, 41.8103148957786, 1)]
    [InlineData(225, 41.8103148957786, 2)]
    [InlineData(315, 41.8103148957786, 3)]
    [InlineData(45, -41.8103148957786, 8)]
    [InlineData(315, -41.8103148957786, 11)]
    [InlineData(10, 90, 0)]
    [InlineData(100, 90, 1)]
    [InlineData(10, -90, 8)]
    public void Base_pixels_at_order_zero(double lon, double lat, long expected) =>
        Assert.Equal(expected, Healpix.NestedIndex(0, lon, lat));

    [Fact]
    public void The_north_pole_is_the_last_sub_pixel_of_base_pixel_zero()
    {
        // In the NESTED scheme the sub-pixel touching the face's northern corner has all index bits set.
        Assert.Equal(3, Healpix.NestedIndex(1, 10, 90));
        Assert.Equal(15, Healpix.NestedIndex(2, 10, 90));
        Assert.Equal((1L << 58) - 1, Healpix.NestedIndex(29, 10, 90));
        // The south pole: the sub-pixel at the face's southern corner, index bits all clear.
        Assert.Equal(8L << 58, Healpix.NestedIndex(29, 10, -90));
    }

    [Fact]
    public void Every_pixel_centre_maps_back_to_its_pixel()
    {
        for (int order = 0; order <= 5; order++)
        {
            long npix = 12L << (2 * order);
            for (long pix = 0; pix < npix; pix++)
            {
                var (lon, lat) = Centre(order, pix);
                Assert.Equal(pix, Healpix.NestedIndex(order, lon, lat));
            }
        }
        var random = new Random(7);
        for (int i = 0; i < 2000; i++)
        {
            long pix = random.NextInt64(12L << 58);
            var (lon, lat) = Centre(29, pix);
            Assert.Equal(pix, Healpix.NestedIndex(29, lon, lat));
        }
    }

    [Fact]
    public void Orders_and_positions_outside_the_scheme_are_refused()
    {
        Assert.Throws<InvalidSkyGeometryException>(() => Healpix.NestedIndex(30, 0, 0));
        Assert.Throws<InvalidSkyGeometryException>(() => Healpix.NestedIndex(-1, 0, 0));
        Assert.Throws<InvalidSkyGeometryException>(() => Healpix.NestedIndex(5, 0, 91));
        Assert.Throws<InvalidSkyGeometryException>(() => Healpix.NestedIndex(5, double.NaN, 0));
    }

    /// <summary>The centre of a NESTED pixel (Górski et al. 2005, pix2ang_nest): face, (x, y) in the face, ring and position.</summary>
    internal static (double Lon, double Lat) Centre(int order, long pix)
    {
        int[] jrll = [2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4];
        int[] jpll = [1, 3, 5, 7, 0, 2, 4, 6, 1, 3, 5, 7];
        long nside = 1L << order;
        long face = pix >> (2 * order);
        long inFace = pix & ((1L << (2 * order)) - 1);
        long ix = 0, iy = 0;
        for (int b = 0; b < order; b++)
        {
            ix |= ((inFace >> (2 * b)) & 1) << b;
            iy |= ((inFace >> (2 * b + 1)) & 1) << b;
        }
        long jr = ((long)jrll[face] << order) - ix - iy - 1;
        long nr;
        double z;
        long kshift;
        if (jr < nside) { nr = jr; z = 1 - nr * (double)nr / (3.0 * nside * nside); kshift = 0; }
        else if (jr > 3 * nside) { nr = 4 * nside - jr; z = -(1 - nr * (double)nr / (3.0 * nside * nside)); kshift = 0; }
        else { nr = nside; z = (2 * nside - jr) * 2.0 / (3 * nside); kshift = (jr - nside) & 1; }
        long jp = (jpll[face] * nr + ix - iy + 1 + kshift) / 2;
        if (jp > 4 * nside) jp -= 4 * nside;
        if (jp < 1) jp += 4 * nside;
        double phi = (jp - (kshift + 1) * 0.5) * (90.0 / nr);
        return (phi, Math.Asin(z) * 180 / Math.PI);
    }
}
