namespace VoSpec.Adql.Query;

/// <summary>
/// Constant numeric expressions worked out at check time: the checker validates constant positions and radii with
/// them, and dialects recognise constant cones for their spatial indexes.
/// </summary>
public static class ConstantFolding
{
    /// <summary>The value of a constant numeric expression (literals, signs, + - * /), else null.</summary>
    public static double? Fold(Expression e) => e switch
    {
        NumericLiteral n => n.Value,
        UnaryExpression { Operator: UnaryOperator.Minus } u => -Fold(u.Operand),
        UnaryExpression { Operator: UnaryOperator.Plus } u => Fold(u.Operand),
        BinaryExpression b when Fold(b.Left) is { } l && Fold(b.Right) is { } r => b.Operator switch
        {
            BinaryOperator.Add => l + r,
            BinaryOperator.Subtract => l - r,
            BinaryOperator.Multiply => l * r,
            // SQLite divides integers as integers.
            BinaryOperator.Divide when r != 0 => IsInteger(b.Left) && IsInteger(b.Right) ? Math.Truncate(l / r) : l / r,
            _ => null,
        },
        FunctionCall { Name: "PI", Arguments.Count: 0 } => Math.PI,
        _ => null,
    };

    private static bool IsInteger(Expression e) => e switch
    {
        NumericLiteral n => n.Kind is NumericKind.Integer or NumericKind.Hexadecimal,
        UnaryExpression u => IsInteger(u.Operand),
        BinaryExpression b => IsInteger(b.Left) && IsInteger(b.Right),
        _ => false,
    };
}
