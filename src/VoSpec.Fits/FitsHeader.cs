using System.Collections;
using System.Numerics;
using System.Text;

namespace VoSpec.Fits;

/// <summary>
/// The cards of one HDU header, in order (END excluded). Read from a file by <see cref="FitsReader"/>,
/// or built up with the Add/Set methods and handed to <see cref="FitsWriter"/>.
/// Lookups are by keyword, case-insensitive; the first card with that keyword wins.
/// </summary>
public sealed class FitsHeader : IEnumerable<HeaderCard>
{
    public const int BlockSize = 2880;

    private readonly List<HeaderCard> _cards = [];
    private readonly Dictionary<string, int> _index = new(StringComparer.OrdinalIgnoreCase);

    public FitsHeader() { }

    public FitsHeader(IEnumerable<HeaderCard> cards) { foreach (var c in cards) Add(c); }

    public int Count => _cards.Count;
    public HeaderCard this[int index] => _cards[index];
    public IReadOnlyList<HeaderCard> Cards => _cards;

    public IEnumerator<HeaderCard> GetEnumerator() => _cards.GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    // ---- building ----

    public FitsHeader Add(HeaderCard card)
    {
        if (!card.IsCommentary) _index.TryAdd(card.Keyword, _cards.Count);
        _cards.Add(card);
        return this;
    }

    public FitsHeader Add(string keyword, string value, string? comment = null) => Add(HeaderCard.String(keyword, value, comment));
    public FitsHeader Add(string keyword, bool value, string? comment = null) => Add(HeaderCard.Logical(keyword, value, comment));
    public FitsHeader Add(string keyword, long value, string? comment = null) => Add(HeaderCard.Integer(keyword, value, comment));
    public FitsHeader Add(string keyword, double value, string? comment = null) => Add(HeaderCard.Float(keyword, value, comment));
    public FitsHeader Add(string keyword, Complex value, string? comment = null) => Add(HeaderCard.ComplexValue(keyword, value, comment));
    public FitsHeader AddComment(string text) => Add(HeaderCard.Commentary("COMMENT", text));
    public FitsHeader AddHistory(string text) => Add(HeaderCard.Commentary("HISTORY", text));
    public FitsHeader AddBlank(string text = "") => Add(HeaderCard.Commentary("", text));

    /// <summary>Replaces the card with this keyword in place, or adds it at the end.</summary>
    public FitsHeader Set(HeaderCard card)
    {
        if (!card.IsCommentary && _index.TryGetValue(card.Keyword, out int i)) { _cards[i] = card; return this; }
        return Add(card);
    }

    public bool Remove(string keyword)
    {
        if (!_index.TryGetValue(keyword, out int i)) return false;
        _cards.RemoveAt(i);
        Reindex();
        return true;
    }

    private void Reindex()
    {
        _index.Clear();
        for (int i = 0; i < _cards.Count; i++)
            if (!_cards[i].IsCommentary) _index.TryAdd(_cards[i].Keyword, i);
    }

    // ---- lookups ----

    public bool Contains(string keyword) => _index.ContainsKey(Normalise(keyword));

    public HeaderCard? Find(string keyword) => _index.TryGetValue(Normalise(keyword), out int i) ? _cards[i] : null;

    /// <summary>"HIERARCH ESO DET" and "ESO DET" name the same card.</summary>
    private static string Normalise(string keyword) =>
        keyword.StartsWith("HIERARCH ", StringComparison.OrdinalIgnoreCase) ? keyword[9..].Trim() : keyword;

    private HeaderCard Required(string keyword) =>
        Find(keyword) ?? throw new FitsFormatException($"header has no {keyword} keyword");

    public string GetString(string keyword) => Required(keyword).GetString();
    public long GetLong(string keyword) => Required(keyword) is var c && c.TryGetLong(out long v) ? v : throw c.WrongType("an integer");
    public int GetInt(string keyword)
    {
        long v = GetLong(keyword);
        return v is >= int.MinValue and <= int.MaxValue ? (int)v : throw new FitsFormatException($"header keyword {keyword} = {v} does not fit a 32-bit integer");
    }
    public double GetDouble(string keyword) => Required(keyword) is var c && c.TryGetDouble(out double v) ? v : throw c.WrongType("a number");
    public bool GetBool(string keyword) => Required(keyword) is var c && c.TryGetBool(out bool v) ? v : throw c.WrongType("a logical (T/F)");

    public bool TryGetString(string keyword, out string value)
    {
        var c = Find(keyword);
        value = c is { Kind: HeaderValueKind.String } ? c.ValueText : "";
        return c is { Kind: HeaderValueKind.String };
    }

    public bool TryGetLong(string keyword, out long value) { value = 0; return Find(keyword)?.TryGetLong(out value) == true; }

    public bool TryGetInt(string keyword, out int value)
    {
        value = 0;
        if (!TryGetLong(keyword, out long v) || v is < int.MinValue or > int.MaxValue) return false;
        value = (int)v;
        return true;
    }

    public bool TryGetDouble(string keyword, out double value) { value = 0; return Find(keyword)?.TryGetDouble(out value) == true; }
    public bool TryGetBool(string keyword, out bool value) { value = false; return Find(keyword)?.TryGetBool(out value) == true; }

    public string? GetStringOrNull(string keyword) => TryGetString(keyword, out var v) ? v : null;
    public long? GetLongOrNull(string keyword) => TryGetLong(keyword, out var v) ? v : null;
    public double? GetDoubleOrNull(string keyword) => TryGetDouble(keyword, out var v) ? v : null;

    /// <summary>All COMMENT (or HISTORY) texts in order.</summary>
    public IEnumerable<string> Commentary(string keyword) =>
        _cards.Where(c => c.IsCommentary && c.Keyword.Equals(keyword, StringComparison.OrdinalIgnoreCase)).Select(c => c.ValueText);

    // ---- parsing ----

    /// <summary>Parses header text: 80-character cards up to an END card (or the end of the text).</summary>
    public static FitsHeader Parse(string text)
    {
        var bytes = Encoding.Latin1.GetBytes(text);
        int whole = (bytes.Length + HeaderCard.Length - 1) / HeaderCard.Length * HeaderCard.Length;
        var padded = new byte[whole];
        padded.AsSpan().Fill((byte)' ');
        bytes.CopyTo(padded, 0);
        return Parse(padded, out _, requireEnd: false);
    }

    /// <summary>
    /// Parses the header starting at the beginning of <paramref name="data"/>;
    /// <paramref name="length"/> is the header's size in bytes including END and the padding to 2880.
    /// </summary>
    internal static FitsHeader Parse(ReadOnlySpan<byte> data, out int length, bool requireEnd = true)
    {
        var header = new FitsHeader();
        for (int pos = 0; pos + HeaderCard.Length <= data.Length; pos += HeaderCard.Length)
        {
            var image = data.Slice(pos, HeaderCard.Length);
            if (image.StartsWith("END     "u8) && IsBlank(image[8..]))
            {
                length = (pos / BlockSize + 1) * BlockSize;
                return header;
            }
            if (IsBlank(image)) { header.AddParsed(HeaderCard.Commentary("", "")); continue; }
            header.AddParsed(HeaderCard.Parse(image));
        }
        if (requireEnd) throw new FitsFormatException(data.Length % BlockSize == 0 && data.Length > 0
            ? "header has no END card before the end of the file"
            : "file is truncated inside a header (no END card)");
        length = data.Length;
        return header;
    }

    private void AddParsed(HeaderCard card)
    {
        // Long strings: a string ending in '&' continues in the next CONTINUE card.
        if (card.Keyword == "CONTINUE" && _cards.Count > 0 && _cards[^1] is { Kind: HeaderValueKind.String } prev
            && prev.ValueText.EndsWith('&') && card.Kind == HeaderValueKind.String && prev.Keyword != "")
        {
            _cards[^1] = prev.WithContinuation(card.ValueText, card.Comment);
            return;
        }
        Add(card);
    }

    private static bool IsBlank(ReadOnlySpan<byte> s) => s.IndexOfAnyExcept((byte)' ') < 0;

    // ---- writing ----

    /// <summary>All card images plus END, padded with blanks to a multiple of 2880 bytes.</summary>
    public byte[] ToBytes()
    {
        var sb = new StringBuilder();
        bool longStrn = Contains("LONGSTRN");
        foreach (var card in _cards)
        {
            var images = card.FormatImages().ToList();
            // Announce the CONTINUE convention once, before its first use.
            if (images.Count > 1 && card.Kind == HeaderValueKind.String && !longStrn)
            {
                sb.Append(HeaderCard.String("LONGSTRN", "OGIP 1.0", "The OGIP long string convention may be used").FormatImages().Single());
                longStrn = true;
            }
            foreach (var image in images) sb.Append(image);
        }
        sb.Append("END".PadRight(HeaderCard.Length));
        int total = (sb.Length + BlockSize - 1) / BlockSize * BlockSize;
        sb.Append(' ', total - sb.Length);
        return Encoding.ASCII.GetBytes(sb.ToString());
    }

    public override string ToString() => Encoding.ASCII.GetString(ToBytes()).TrimEnd();
}
