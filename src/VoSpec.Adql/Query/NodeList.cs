using System.Collections;

namespace VoSpec.Adql.Query;

/// <summary>An immutable list with value equality, so that whole trees compare by content.</summary>
public sealed class NodeList<T> : IReadOnlyList<T>, IEquatable<NodeList<T>>
{
    private readonly T[] _items;

    public NodeList(IEnumerable<T> items) => _items = items.ToArray();

    public static NodeList<T> Empty { get; } = new([]);

    public T this[int index] => _items[index];
    public int Count => _items.Length;
    public IEnumerator<T> GetEnumerator() => ((IEnumerable<T>)_items).GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => _items.GetEnumerator();

    public bool Equals(NodeList<T>? other) => other is not null && _items.SequenceEqual(other._items);
    public override bool Equals(object? obj) => Equals(obj as NodeList<T>);
    public override int GetHashCode()
    {
        var h = new HashCode();
        foreach (var item in _items) h.Add(item);
        return h.ToHashCode();
    }
    public override string ToString() => "[" + string.Join(", ", _items) + "]";
}

public static class NodeList
{
    public static NodeList<T> Of<T>(params T[] items) => new(items);
    public static NodeList<T> ToNodeList<T>(this IEnumerable<T> items) => new(items);
}
