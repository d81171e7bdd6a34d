// Why this file exists: the property tests use a hand-made runner (FsCheck.Xunit is unavailable); this proves
// that a false property really fails the test instead of passing silently.
using FsCheck.Fluent;
using Xunit;

namespace VoSpec.Engine.Tests;

public class RunnerTests
{
    [Fact]
    public void A_false_property_fails()
    {
        var ex = Record.Exception(() => Generators.Check(Gen.Choose(0, 100), i => Assert.True(i < 50)));
        Assert.NotNull(ex);
    }
}
