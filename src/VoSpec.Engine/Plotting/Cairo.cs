// Why this file exists: no managed PNG/plot library is obtainable, but Debian's libcairo2 is installed; this is
// the whole native surface the preview renderer uses — nothing more — with SafeHandles so a surface or context
// is destroyed exactly once even when a render throws, and a PNG writer that streams into a managed Stream.
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace VoSpec.Engine.Plotting;

/// <summary>
/// P/Invoke bindings to <c>libcairo.so.2</c>. Cairo is not thread-safe per context, but separate
/// surfaces and contexts may be used from separate threads at once (its font caches are locked internally);
/// every render here owns its own surface and context.
/// </summary>
internal static partial class Cairo
{
    private const string Lib = "libcairo.so.2";

    public const int FormatRgb24 = 1;
    public const int StatusSuccess = 0;
    public const int FontSlantNormal = 0;
    public const int FontWeightNormal = 0;
    public const int FontWeightBold = 1;
    public const int LineJoinBevel = 2;
    public const int AntialiasDefault = 0;
    public const int AntialiasNone = 1;
    public const int LineCapButt = 0;

    [StructLayout(LayoutKind.Sequential)]
    public struct TextExtents
    {
        public double XBearing, YBearing, Width, Height, XAdvance, YAdvance;
    }

    // ---------------------------------------------------------------- surface

    [LibraryImport(Lib, EntryPoint = "cairo_image_surface_create")]
    public static partial SurfaceHandle ImageSurfaceCreate(int format, int width, int height);

    [LibraryImport(Lib, EntryPoint = "cairo_surface_destroy")]
    public static partial void SurfaceDestroy(nint surface);

    [LibraryImport(Lib, EntryPoint = "cairo_surface_status")]
    public static partial int SurfaceStatus(SurfaceHandle surface);

    [LibraryImport(Lib, EntryPoint = "cairo_status_to_string")]
    private static partial nint StatusToStringNative(int status);

    // ---------------------------------------------------------------- context

    [LibraryImport(Lib, EntryPoint = "cairo_create")]
    public static partial ContextHandle Create(SurfaceHandle surface);

    [LibraryImport(Lib, EntryPoint = "cairo_destroy")]
    public static partial void Destroy(nint cr);

    [LibraryImport(Lib, EntryPoint = "cairo_status")]
    public static partial int Status(ContextHandle cr);

    [LibraryImport(Lib, EntryPoint = "cairo_save")]
    public static partial void Save(ContextHandle cr);

    [LibraryImport(Lib, EntryPoint = "cairo_restore")]
    public static partial void Restore(ContextHandle cr);

    [LibraryImport(Lib, EntryPoint = "cairo_set_source_rgb")]
    public static partial void SetSourceRgb(ContextHandle cr, double red, double green, double blue);

    [LibraryImport(Lib, EntryPoint = "cairo_set_source_rgba")]
    public static partial void SetSourceRgba(ContextHandle cr, double red, double green, double blue, double alpha);

    [LibraryImport(Lib, EntryPoint = "cairo_set_line_width")]
    public static partial void SetLineWidth(ContextHandle cr, double width);

    [LibraryImport(Lib, EntryPoint = "cairo_set_line_join")]
    public static partial void SetLineJoin(ContextHandle cr, int join);

    [LibraryImport(Lib, EntryPoint = "cairo_set_line_cap")]
    public static partial void SetLineCap(ContextHandle cr, int cap);

    [LibraryImport(Lib, EntryPoint = "cairo_set_antialias")]
    public static partial void SetAntialias(ContextHandle cr, int antialias);

    [LibraryImport(Lib, EntryPoint = "cairo_paint")]
    public static partial void Paint(ContextHandle cr);

    [LibraryImport(Lib, EntryPoint = "cairo_move_to")]
    public static partial void MoveTo(ContextHandle cr, double x, double y);

    [LibraryImport(Lib, EntryPoint = "cairo_line_to")]
    public static partial void LineTo(ContextHandle cr, double x, double y);

    [LibraryImport(Lib, EntryPoint = "cairo_rectangle")]
    public static partial void Rectangle(ContextHandle cr, double x, double y, double width, double height);

    [LibraryImport(Lib, EntryPoint = "cairo_stroke")]
    public static partial void Stroke(ContextHandle cr);

    [LibraryImport(Lib, EntryPoint = "cairo_fill")]
    public static partial void Fill(ContextHandle cr);

    [LibraryImport(Lib, EntryPoint = "cairo_clip")]
    public static partial void Clip(ContextHandle cr);

    [LibraryImport(Lib, EntryPoint = "cairo_translate")]
    public static partial void Translate(ContextHandle cr, double tx, double ty);

    [LibraryImport(Lib, EntryPoint = "cairo_rotate")]
    public static partial void Rotate(ContextHandle cr, double angle);

    // ---------------------------------------------------------------- toy text API

    [LibraryImport(Lib, EntryPoint = "cairo_select_font_face", StringMarshalling = StringMarshalling.Utf8)]
    public static partial void SelectFontFace(ContextHandle cr, string family, int slant, int weight);

    [LibraryImport(Lib, EntryPoint = "cairo_set_font_size")]
    public static partial void SetFontSize(ContextHandle cr, double size);

    [LibraryImport(Lib, EntryPoint = "cairo_show_text", StringMarshalling = StringMarshalling.Utf8)]
    public static partial void ShowText(ContextHandle cr, string utf8);

    [LibraryImport(Lib, EntryPoint = "cairo_text_extents", StringMarshalling = StringMarshalling.Utf8)]
    public static partial void TextExtentsOf(ContextHandle cr, string utf8, out TextExtents extents);

    // ---------------------------------------------------------------- helpers

    public static string StatusToString(int status) =>
        Marshal.PtrToStringUTF8(StatusToStringNative(status)) ?? $"cairo status {status}";

    /// <summary>Throws when the context is in an error state (cairo records the first error and ignores later calls).</summary>
    public static void ThrowIfError(ContextHandle cr)
    {
        int status = Status(cr);
        if (status != StatusSuccess) throw new InvalidOperationException("cairo: " + StatusToString(status));
    }

    public static void ThrowIfError(SurfaceHandle surface)
    {
        int status = SurfaceStatus(surface);
        if (status != StatusSuccess) throw new InvalidOperationException("cairo: " + StatusToString(status));
    }

    /// <summary>Encodes an RGB24 surface as PNG into <paramref name="output"/> (our encoder: see PngEncoder for why).</summary>
    public static unsafe void WritePng(SurfaceHandle surface, Stream output)
    {
        SurfaceFlush(surface);
        PngEncoder.WriteRgb24(ImageSurfaceGetData(surface), ImageSurfaceGetWidth(surface), ImageSurfaceGetHeight(surface), ImageSurfaceGetStride(surface), output);
    }
}

/// <summary>An owned <c>cairo_surface_t*</c>; destroyed once, on Dispose or by the finalizer.</summary>
internal sealed class SurfaceHandle : SafeHandle
{
    public SurfaceHandle() : base(nint.Zero, ownsHandle: true) { }
    public override bool IsInvalid => handle == nint.Zero;
    protected override bool ReleaseHandle()
    {
        Cairo.SurfaceDestroy(handle);
        return true;
    }
}

/// <summary>An owned <c>cairo_t*</c>; destroyed once, on Dispose or by the finalizer.</summary>
internal sealed class ContextHandle : SafeHandle
{
    public ContextHandle() : base(nint.Zero, ownsHandle: true) { }
    public override bool IsInvalid => handle == nint.Zero;
    protected override bool ReleaseHandle()
    {
        Cairo.Destroy(handle);
        return true;
    }
}
