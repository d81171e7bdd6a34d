using System.Runtime.InteropServices;

namespace VoSpec.Archive.Pixels;

/// <summary>
/// Faults a range of a file-backed memory map into the process's page tables ahead of use, so the
/// first read of each 4 KiB page no longer pays a minor page fault on the request path. Linux only;
/// elsewhere it does nothing.
/// </summary>
internal static unsafe partial class PageWarmer
{
    private const int MadvWillNeed = 3;
    private const int MadvPopulateRead = 22; // Linux ≥ 5.14
    private const int EIntr = 4;
    private const int EInval = 22;
    private const int EAgain = 11;

    // Set once an older kernel refuses POPULATE_READ; from then on pages are touched instead (tests set it too).
    internal static volatile bool PopulateUnsupported;

    public static bool IsSupported => OperatingSystem.IsLinux();

    [LibraryImport("libc", SetLastError = true)]
    private static partial int madvise(nint addr, nuint length, int advice);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int setpriority(int which, int who, int prio);

    [LibraryImport("libc")]
    private static partial int gettid();

    /// <summary>Maps every page of [start, start + length) that is not mapped yet.</summary>
    public static void Warm(byte* start, long length)
    {
        if (!IsSupported || length <= 0) return;
        long page = Environment.SystemPageSize;
        byte* aligned = (byte*)((long)start & ~(page - 1)); // madvise wants a page-aligned start
        long len = length + (start - aligned);
        bool populated = false;
        while (!PopulateUnsupported && !populated)
        {
            if (madvise((nint)aligned, (nuint)len, MadvPopulateRead) == 0) { populated = true; break; }
            int errno = Marshal.GetLastPInvokeError();
            if (errno is EIntr or EAgain) continue;
            if (errno != EInval) throw new IOException($"madvise(MADV_POPULATE_READ) failed with errno {errno}");
            PopulateUnsupported = true;
        }
        // Without POPULATE_READ: WILLNEED starts the read-ahead, and touching maps the pages. With it,
        // touching is still needed in a virtual machine: POPULATE_READ fills the guest's page tables but
        // never reads the pages, so pages just read from disk still cost the hypervisor a fault each on
        // first access (measured: a first pass at 4,000 spectra/s with no guest faults at all).
        if (!populated) madvise((nint)aligned, (nuint)len, MadvWillNeed);
        byte sink = 0;
        for (long off = 0; off < len; off += page) sink ^= Volatile.Read(ref aligned[off]);
        GC.KeepAlive(sink);
    }

    /// <summary>
    /// Lowers the calling thread's CPU priority to nice 10 (a tenth of a normal thread's share), so
    /// background warming yields to requests. Not 19: next to other busy processes a nice-19 thread
    /// gets ~1.5 % of a core and the warm-up (CPU-bound in a VM) was still running 10 s after start.
    /// On Linux a thread id as PRIO_PROCESS target changes that thread only.
    /// </summary>
    public static void LowerCurrentThreadPriority()
    {
        if (!IsSupported) return;
        try { setpriority(0, gettid(), 10); }
        catch (EntryPointNotFoundException) { } // a libc without gettid(): stay at normal priority
    }
}
