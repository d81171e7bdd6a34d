// Why this file exists: the spec service's plotGrid and stackedImage compose images rather than draw lines: they
// need to read a PNG back into a Cairo surface (a cached preview panel), paint one surface onto another, and write
// read a surface's pixels (PngEncoder writes every PNG from them). These are the libcairo entry points that takes.
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace VoSpec.Engine.Plotting;

internal static partial class Cairo
{
    public const int StatusReadError = 10;

    [LibraryImport(Lib, EntryPoint = "cairo_image_surface_create_from_png_stream")]
    private static unsafe partial SurfaceHandle ImageSurfaceCreateFromPngStream(
        delegate* unmanaged[Cdecl]<nint, byte*, uint, int> read, nint closure);

    [LibraryImport(Lib, EntryPoint = "cairo_set_source_surface")]
    public static partial void SetSourceSurface(ContextHandle cr, SurfaceHandle surface, double x, double y);

    [LibraryImport(Lib, EntryPoint = "cairo_image_surface_get_data")]
    public static unsafe partial byte* ImageSurfaceGetData(SurfaceHandle surface);

    [LibraryImport(Lib, EntryPoint = "cairo_image_surface_get_stride")]
    public static partial int ImageSurfaceGetStride(SurfaceHandle surface);

    [LibraryImport(Lib, EntryPoint = "cairo_image_surface_get_width")]
    public static partial int ImageSurfaceGetWidth(SurfaceHandle surface);

    [LibraryImport(Lib, EntryPoint = "cairo_image_surface_get_height")]
    public static partial int ImageSurfaceGetHeight(SurfaceHandle surface);

    [LibraryImport(Lib, EntryPoint = "cairo_surface_flush")]
    public static partial void SurfaceFlush(SurfaceHandle surface);


    /// <summary>A PNG (e.g. a cached preview) as an image surface. Throws <see cref="InvalidOperationException"/> for a bad PNG.</summary>
    public static unsafe SurfaceHandle ReadPng(byte[] png)
    {
        var source = new PngSource(png);
        var handle = GCHandle.Alloc(source);
        try
        {
            var surface = ImageSurfaceCreateFromPngStream(&ReadCallback, GCHandle.ToIntPtr(handle));
            int status = SurfaceStatus(surface);
            if (status != StatusSuccess)
            {
                surface.Dispose();
                throw new InvalidOperationException("cairo: reading a PNG failed: " + StatusToString(status));
            }
            return surface;
        }
        finally
        {
            handle.Free();
        }
    }

    private sealed class PngSource(byte[] bytes)
    {
        public byte[] Bytes { get; } = bytes;
        public int Position { get; set; }
    }

    /// <summary>cairo_read_func_t: must fill exactly <paramref name="length"/> bytes or fail.</summary>
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static unsafe int ReadCallback(nint closure, byte* data, uint length)
    {
        try
        {
            var source = (PngSource)GCHandle.FromIntPtr(closure).Target!;
            if ((long)source.Position + length > source.Bytes.Length) return StatusReadError;
            source.Bytes.AsSpan(source.Position, (int)length).CopyTo(new Span<byte>(data, (int)length));
            source.Position += (int)length;
            return StatusSuccess;
        }
        catch
        {
            return StatusReadError;
        }
    }
}
