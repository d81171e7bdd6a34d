using Microsoft.Data.Sqlite;
using VoSpec.Archive.Sqlite;
using Xunit;

namespace VoSpec.Archive.Tests.Sqlite;

/// <summary>The raw reader's one-call getters tell NULL from zero and from empty text, and convert like SQLite does.</summary>
public class RawSqliteReaderTests
{
    [Fact]
    public void Raw_getters_tell_null_from_zero_and_empty_text()
    {
        SQLitePCL.Batteries_V2.Init();
        using var c = new SqliteConnection("Data Source=:memory:");
        c.Open();
        using var r = RawSqliteReader.Open(c,
            "SELECT NULL, 0, 0.0, '', 'héllo', 42, 2.5, '7' UNION ALL SELECT 1, NULL, NULL, NULL, NULL, NULL, NULL, NULL");
        Assert.True(r.Read());
        Assert.False(r.TryGetInt64(0, out _));
        Assert.False(r.TryGetDouble(0, out _));
        Assert.False(r.TryGetUtf8(0, out _));
        Assert.True(r.TryGetInt64(1, out long zero) && zero == 0);
        Assert.True(r.TryGetDouble(2, out double zeroReal) && zeroReal == 0);
        Assert.True(r.TryGetUtf8(3, out var empty) && empty.IsEmpty);
        Assert.True(r.TryGetUtf8(4, out var text) && text.SequenceEqual("héllo"u8));
        Assert.True(r.TryGetUtf8(5, out var number) && number.SequenceEqual("42"u8));
        Assert.True(r.TryGetDouble(6, out double real) && real == 2.5);
        Assert.True(r.TryGetInt64(7, out long parsed) && parsed == 7);
        Assert.False(r.IsDBNull(1));
        Assert.True(r.Read());
        for (int i = 1; i < 8; i++)
        {
            Assert.False(r.TryGetInt64(i, out _));
            Assert.False(r.TryGetUtf8(i, out _));
            Assert.True(r.IsDBNull(i));
        }
        Assert.False(r.Read());
    }
}
