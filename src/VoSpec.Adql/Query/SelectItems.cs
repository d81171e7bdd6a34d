namespace VoSpec.Adql.Query;

public abstract record SelectItem : Node;

/// <summary>SELECT * (every public column of every table in FROM, in order).</summary>
public sealed record AllColumns : SelectItem;

/// <summary>SELECT t.* (every public column of one table).</summary>
public sealed record TableColumns(NodeList<Identifier> Table) : SelectItem;

/// <summary>An expression with an optional alias.</summary>
public sealed record ExpressionItem(Expression Expression, Identifier? Alias) : SelectItem;
