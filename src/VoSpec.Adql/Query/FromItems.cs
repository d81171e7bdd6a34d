namespace VoSpec.Adql.Query;

public abstract record FromItem : Node;

/// <summary>[[catalog.]schema.]table [AS alias].</summary>
public sealed record TableReference(NodeList<Identifier> Name, Identifier? Alias) : FromItem;

/// <summary>(subquery) AS alias.</summary>
public sealed record DerivedTable(SelectStatement Query, Identifier Alias) : FromItem;

public enum JoinKind { Inner, Left, Right, Full, Cross }

/// <summary>
/// left [NATURAL] [INNER|LEFT|RIGHT|FULL [OUTER]] JOIN right [ON … | USING (…)], or CROSS JOIN.
/// <see cref="ExplicitInner"/> records whether INNER was written, so that reprinting is faithful.
/// </summary>
public sealed record Join(JoinKind Kind, bool Natural, FromItem Left, FromItem Right, Condition? On, NodeList<Identifier> Using) : FromItem
{
    public bool ExplicitInner { get; init; }
    public bool ExplicitOuter { get; init; }
}
