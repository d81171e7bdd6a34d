using VoSpec.Testing;
using Xunit;

namespace VoSpec.Archive.Tests;

public class KeptObjectsTests
{
    private sealed class Probe : IDisposable
    {
        public bool Disposed { get; private set; }
        public void Dispose() => Disposed = true;
    }

    [Fact]
    public void A_returned_object_is_rented_again_instead_of_a_new_one()
    {
        using var dir = TestPaths.NewTempDir();
        using var archive = SpectrumArchive.Open(dir.Path);
        var first = archive.Rent(_ => new Probe());
        archive.Return(first);
        Assert.Same(first, archive.Rent(_ => new Probe()));
        Assert.NotSame(first, archive.Rent(_ => new Probe()));
    }

    [Fact]
    public void Kept_objects_are_disposed_with_the_archive_and_none_are_kept_after()
    {
        using var dir = TestPaths.NewTempDir();
        var archive = SpectrumArchive.Open(dir.Path);
        var kept = archive.Rent(_ => new Probe());
        var late = archive.Rent(_ => new Probe());
        archive.Return(kept);
        archive.Dispose();
        Assert.True(kept.Disposed);
        archive.Return(late);
        Assert.True(late.Disposed);
    }

    [Fact]
    public void Only_a_few_objects_of_a_type_are_kept()
    {
        using var dir = TestPaths.NewTempDir();
        using var archive = SpectrumArchive.Open(dir.Path);
        var probes = Enumerable.Range(0, 2 * Environment.ProcessorCount + 10).Select(_ => archive.Rent(_ => new Probe())).ToList();
        foreach (var p in probes) archive.Return(p);
        Assert.Contains(probes, p => p.Disposed);
        Assert.Contains(probes, p => !p.Disposed);
    }
}
