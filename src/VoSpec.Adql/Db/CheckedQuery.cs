using VoSpec.Adql.Query;

namespace VoSpec.Adql.Db;

/// <summary>
/// A query whose every name resolved: what each table and column reference means, the type of
/// every expression, and each (sub)query's output columns. Nodes are keyed by reference.
/// </summary>
public sealed class CheckedQuery
{
    internal CheckedQuery(SelectStatement root) => Root = root;

    public SelectStatement Root { get; }
    public IReadOnlyList<SelectOutput> Columns => Outputs[Root];

    internal Dictionary<Node, Source> Sources { get; } = new(ReferenceEqualityComparer.Instance);
    internal Dictionary<Node, ColumnBinding> Columns_ { get; } = new(ReferenceEqualityComparer.Instance);
    internal Dictionary<Node, AdqlType> Types { get; } = new(ReferenceEqualityComparer.Instance);
    internal Dictionary<Node, IReadOnlyList<SelectOutput>> Outputs { get; } = new(ReferenceEqualityComparer.Instance);
    internal Dictionary<Node, OutputBinding> OrderByOutputs { get; } = new(ReferenceEqualityComparer.Instance);
    internal Dictionary<Node, IReadOnlyList<MergedColumnBinding>> JoinColumns { get; } = new(ReferenceEqualityComparer.Instance);
    internal Dictionary<Node, string> CteNames { get; } = new(ReferenceEqualityComparer.Instance);
    internal Dictionary<Node, UnitConversion> UnitConversions { get; } = new(ReferenceEqualityComparer.Instance);

    public AdqlType TypeOf(Expression e) => Types[e];
    public ColumnBinding BindingOf(ColumnReference c) => Columns_[c];
    public Source SourceOf(FromItem f) => Sources[f];
    public IReadOnlyList<SelectOutput> OutputsOf(SelectStatement s) => Outputs[s];
    public IReadOnlyList<SelectOutput> OutputsOf(QueryBody b) => Outputs[b];
}
