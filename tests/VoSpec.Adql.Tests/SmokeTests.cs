using Xunit;

namespace VoSpec.Adql.Tests;

[Collection(ArchiveCollection.Name)]
public sealed class SmokeTests(ArchiveFixture db)
{
    [Fact]
    public void Counting_all_obscore_rows_gives_the_ingested_number()
    {
        Assert.Equal(300L, db.Scalar("SELECT COUNT(*) AS n FROM ivoa.obscore"));
    }
}
