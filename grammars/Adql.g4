// ADQL 2.1 (IVOA Recommendation 2023-12-15), written for VoSpec from the standard's BNF.
//
// Shape: the BNF's separate numeric/string/geometry value expressions are folded into one `expr`
// with operator precedence; which function takes which kind of argument, and which names exist, is
// decided after parsing (src/VoSpec.Adql/Db), where errors can name the function. Reserved words
// that the grammar does not use are still tokens (RESERVED_WORD) so that using one as a bare
// identifier is reported as such rather than silently accepted.
//
// Regenerate the C# parser with grammars/regenerate.sh after any change here.
grammar Adql;

options { caseInsensitive = true; }

// ---------------------------------------------------------------- queries

query
    : withClause? selectExpression EOF
    ;

withClause
    : WITH withQuery (',' withQuery)*
    ;

withQuery
    : identifier ('(' identifier (',' identifier)* ')')? AS '(' selectExpression ')'
    ;

// query_set_expression + ORDER BY + OFFSET
selectExpression
    : setExpression orderByClause? offsetClause?
    ;

// INTERSECT binds tighter than UNION and EXCEPT; all are left-associative.
setExpression
    : setTerm                                              # setExpressionTerm
    | setExpression op=(UNION | EXCEPT) ALL? setTerm       # setExpressionUnionExcept
    ;

setTerm
    : setPrimary                                           # setTermPrimary
    | setTerm INTERSECT ALL? setPrimary                    # setTermIntersect
    ;

setPrimary
    : selectQuery                                          # setPrimaryQuery
    | '(' selectExpression ')'                             # setPrimaryParenthesized
    ;

selectQuery
    : SELECT setQuantifier? topClause? selectList
      fromClause
      whereClause?
      groupByClause?
      havingClause?
    ;

setQuantifier
    : DISTINCT
    | ALL
    ;

topClause
    : TOP UNSIGNED_INTEGER
    ;

selectList
    : '*'                                                  # selectListAll
    | selectItem (',' selectItem)*                         # selectListItems
    ;

selectItem
    : qualifiedName '.' '*'                                # selectItemTableAll
    | expr (AS? identifier)?                               # selectItemExpr
    ;

fromClause
    : FROM tableReference (',' tableReference)*
    ;

tableReference
    : tablePrimary                                                         # tableReferencePrimary
    | tableReference CROSS JOIN tablePrimary                               # tableReferenceCrossJoin
    | tableReference NATURAL? joinType? JOIN tablePrimary joinSpecification? # tableReferenceJoin
    ;

tablePrimary
    : qualifiedName (AS? identifier)?                      # tablePrimaryNamed
    | '(' selectExpression ')' AS? identifier              # tablePrimaryDerived
    | '(' tableReference ')'                               # tablePrimaryParenthesized
    ;

joinType
    : INNER
    | kind=(LEFT | RIGHT | FULL) OUTER?
    ;

joinSpecification
    : ON searchCondition                                   # joinOn
    | USING '(' identifier (',' identifier)* ')'           # joinUsing
    ;

whereClause
    : WHERE searchCondition
    ;

groupByClause
    : GROUP BY expr (',' expr)*
    ;

havingClause
    : HAVING searchCondition
    ;

orderByClause
    : ORDER BY orderByTerm (',' orderByTerm)*
    ;

orderByTerm
    : expr dir=(ASC | DESC)?
    ;

offsetClause
    : OFFSET UNSIGNED_INTEGER
    ;

// ---------------------------------------------------------------- conditions

searchCondition
    : predicate                                            # conditionPredicate
    | '(' searchCondition ')'                              # conditionParenthesized
    | NOT searchCondition                                  # conditionNot
    | searchCondition AND searchCondition                  # conditionAnd
    | searchCondition OR searchCondition                   # conditionOr
    ;

predicate
    : expr compOp expr                                     # predicateComparison
    | expr NOT? BETWEEN expr AND expr                      # predicateBetween
    | expr NOT? IN '(' selectExpression ')'                # predicateInSubquery
    | expr NOT? IN '(' expr (',' expr)* ')'                # predicateInList
    | expr NOT? op=(LIKE | ILIKE) expr                     # predicateLike
    | expr IS NOT? NULL                                    # predicateNull
    | EXISTS '(' selectExpression ')'                      # predicateExists
    ;

compOp
    : '=' | '<>' | '!=' | '<' | '>' | '<=' | '>='
    ;

// ---------------------------------------------------------------- value expressions

expr
    : primary                                              # exprPrimary
    | op=('+' | '-' | '~') expr                            # exprUnary
    | expr op=('*' | '/') expr                             # exprMultiplicative
    | expr op=('+' | '-') expr                             # exprAdditive
    | expr '||' expr                                       # exprConcat
    | expr '&' expr                                        # exprBitAnd
    | expr '^' expr                                        # exprBitXor
    | expr '|' expr                                        # exprBitOr
    ;

primary
    : literal                                              # primaryLiteral
    | COUNT '(' '*' ')'                                    # primaryCountAll
    | fn=(AVG | MAX | MIN | SUM | COUNT) '(' setQuantifier? expr ')' # primaryAggregate
    | CAST '(' expr AS castTarget ')'                      # primaryCast
    | CASE expr caseWhenValue+ caseElse? END               # primarySimpleCase
    | CASE caseWhenCondition+ caseElse? END                # primarySearchedCase
    | functionName '(' (expr (',' expr)*)? ')'             # primaryFunction
    | qualifiedName                                        # primaryColumn
    | '(' selectExpression ')'                             # primarySubquery
    | '(' expr ')'                                         # primaryParenthesized
    ;

caseWhenValue
    : WHEN expr THEN expr
    ;

caseWhenCondition
    : WHEN searchCondition THEN expr
    ;

caseElse
    : ELSE expr
    ;

castTarget
    : name=(SMALLINT | INTEGER | BIGINT | REAL | TIMESTAMP | POINT | CIRCLE | POLYGON)
    | name=DOUBLE PRECISION
    | name=(CHAR | VARCHAR) ('(' UNSIGNED_INTEGER ')')?
    ;

// Built-in functions are keywords; any other regular identifier is a user-defined function.
functionName
    : ABS | ACOS | ASIN | ATAN | ATAN2 | CEILING | COS | COT | DEGREES | EXP | FLOOR | LOG | LOG10
    | MOD | PI | POWER | RADIANS | RAND | ROUND | SIN | SQRT | TAN | TRUNCATE
    | LOWER | UPPER | COALESCE | IN_UNIT
    | AREA | BOX | CENTROID | CIRCLE | CONTAINS | COORD1 | COORD2 | COORDSYS | DISTANCE
    | INTERSECTS | POINT | POLYGON | REGION
    | REGULAR_IDENTIFIER
    ;

literal
    : STRING                                               # literalString
    | UNSIGNED_INTEGER                                     # literalInteger
    | EXACT_DECIMAL                                        # literalDecimal
    | APPROXIMATE                                          # literalApproximate
    | HEX_INTEGER                                          # literalHex
    | NULL                                                 # literalNull
    ;

qualifiedName
    : identifier ('.' identifier)*
    ;

identifier
    : REGULAR_IDENTIFIER
    | DELIMITED_IDENTIFIER
    | RESERVED_WORD
    ;

// ---------------------------------------------------------------- lexer

// Keywords the grammar uses.
ABS: 'ABS'; ACOS: 'ACOS'; ALL: 'ALL'; AND: 'AND'; AREA: 'AREA'; AS: 'AS'; ASC: 'ASC'; ASIN: 'ASIN';
ATAN: 'ATAN'; ATAN2: 'ATAN2'; AVG: 'AVG'; BETWEEN: 'BETWEEN'; BIGINT: 'BIGINT'; BOX: 'BOX'; BY: 'BY';
CASE: 'CASE'; CAST: 'CAST'; CEILING: 'CEILING'; CENTROID: 'CENTROID'; CHAR: 'CHAR'; CIRCLE: 'CIRCLE';
COALESCE: 'COALESCE'; CONTAINS: 'CONTAINS'; COORD1: 'COORD1'; COORD2: 'COORD2'; COORDSYS: 'COORDSYS';
COS: 'COS'; COT: 'COT'; COUNT: 'COUNT'; CROSS: 'CROSS'; DEGREES: 'DEGREES'; DESC: 'DESC';
DISTANCE: 'DISTANCE'; DISTINCT: 'DISTINCT'; DOUBLE: 'DOUBLE'; ELSE: 'ELSE'; END: 'END'; EXCEPT: 'EXCEPT';
EXISTS: 'EXISTS'; EXP: 'EXP'; FLOOR: 'FLOOR'; FROM: 'FROM'; FULL: 'FULL'; GROUP: 'GROUP';
HAVING: 'HAVING'; ILIKE: 'ILIKE'; IN: 'IN'; IN_UNIT: 'IN_UNIT'; INNER: 'INNER'; INTEGER: 'INTEGER';
INTERSECT: 'INTERSECT'; INTERSECTS: 'INTERSECTS'; IS: 'IS'; JOIN: 'JOIN'; LEFT: 'LEFT'; LIKE: 'LIKE';
LOG: 'LOG'; LOG10: 'LOG10'; LOWER: 'LOWER'; MAX: 'MAX'; MIN: 'MIN'; MOD: 'MOD'; NATURAL: 'NATURAL';
NOT: 'NOT'; NULL: 'NULL'; OFFSET: 'OFFSET'; ON: 'ON'; OR: 'OR'; ORDER: 'ORDER'; OUTER: 'OUTER';
PI: 'PI'; POINT: 'POINT'; POLYGON: 'POLYGON'; POWER: 'POWER'; PRECISION: 'PRECISION';
RADIANS: 'RADIANS'; RAND: 'RAND'; REAL: 'REAL'; REGION: 'REGION'; RIGHT: 'RIGHT'; ROUND: 'ROUND';
SELECT: 'SELECT'; SIN: 'SIN'; SMALLINT: 'SMALLINT'; SQRT: 'SQRT'; SUM: 'SUM'; TAN: 'TAN';
THEN: 'THEN'; TIMESTAMP: 'TIMESTAMP'; TOP: 'TOP'; TRUNCATE: 'TRUNCATE'; UNION: 'UNION';
UPPER: 'UPPER'; USING: 'USING'; VARCHAR: 'VARCHAR'; WHEN: 'WHEN'; WHERE: 'WHERE'; WITH: 'WITH';

// The other reserved words of SQL-92 and ADQL: identifiers only when delimited.
RESERVED_WORD
    : 'ABSOLUTE' | 'ACTION' | 'ADD' | 'ALLOCATE' | 'ALTER' | 'ANY' | 'ARE' | 'ASSERTION' | 'AT'
    | 'AUTHORIZATION' | 'BEGIN' | 'BIT' | 'BIT_LENGTH' | 'BOTH' | 'CASCADE' | 'CASCADED' | 'CATALOG'
    | 'CHARACTER' | 'CHAR_LENGTH' | 'CHARACTER_LENGTH' | 'CHECK' | 'CLOSE' | 'COLLATE' | 'COLLATION'
    | 'COLUMN' | 'COMMIT' | 'CONNECT' | 'CONNECTION' | 'CONSTRAINT' | 'CONSTRAINTS' | 'CONTINUE'
    | 'CONVERT' | 'CORRESPONDING' | 'CREATE' | 'CURRENT' | 'CURRENT_DATE' | 'CURRENT_TIME'
    | 'CURRENT_TIMESTAMP' | 'CURRENT_USER' | 'CURSOR' | 'DATE' | 'DAY' | 'DEALLOCATE' | 'DECIMAL'
    | 'DECLARE' | 'DEFAULT' | 'DEFERRABLE' | 'DEFERRED' | 'DELETE' | 'DESCRIBE' | 'DESCRIPTOR'
    | 'DIAGNOSTICS' | 'DISCONNECT' | 'DOMAIN' | 'DROP' | 'ESCAPE' | 'EXCEPTION' | 'EXEC' | 'EXECUTE'
    | 'EXTERNAL' | 'EXTRACT' | 'FALSE' | 'FETCH' | 'FIRST' | 'FLOAT' | 'FOR' | 'FOREIGN' | 'FOUND'
    | 'GET' | 'GLOBAL' | 'GO' | 'GOTO' | 'GRANT' | 'HOUR' | 'IDENTITY' | 'IMMEDIATE' | 'INDICATOR'
    | 'INITIALLY' | 'INPUT' | 'INSENSITIVE' | 'INSERT' | 'INT' | 'INTERVAL' | 'INTO' | 'ISOLATION'
    | 'KEY' | 'LANGUAGE' | 'LAST' | 'LEADING' | 'LEVEL' | 'LOCAL' | 'MATCH' | 'MINUTE' | 'MODULE'
    | 'MONTH' | 'NAMES' | 'NATIONAL' | 'NCHAR' | 'NEXT' | 'NO' | 'NULLIF' | 'NUMERIC' | 'OCTET_LENGTH'
    | 'OF' | 'ONLY' | 'OPEN' | 'OPTION' | 'OUTPUT' | 'OVERLAPS' | 'PAD' | 'PARTIAL' | 'POSITION'
    | 'PREPARE' | 'PRESERVE' | 'PRIMARY' | 'PRIOR' | 'PRIVILEGES' | 'PROCEDURE' | 'PUBLIC' | 'READ'
    | 'REFERENCES' | 'RELATIVE' | 'RESTRICT' | 'REVOKE' | 'ROLLBACK' | 'ROWS' | 'SCHEMA' | 'SCROLL'
    | 'SECOND' | 'SECTION' | 'SESSION' | 'SESSION_USER' | 'SET' | 'SIZE' | 'SOME' | 'SPACE' | 'SQL'
    | 'SQLCODE' | 'SQLERROR' | 'SQLSTATE' | 'SUBSTRING' | 'SYSTEM_USER' | 'TABLE' | 'TEMPORARY'
    | 'TIME' | 'TIMEZONE_HOUR' | 'TIMEZONE_MINUTE' | 'TO' | 'TRAILING' | 'TRANSACTION' | 'TRANSLATE'
    | 'TRANSLATION' | 'TRIM' | 'TRUE' | 'UNIQUE' | 'UNKNOWN' | 'UPDATE' | 'USAGE' | 'USER' | 'VALUE'
    | 'VALUES' | 'VARYING' | 'VIEW' | 'WHENEVER' | 'WORK' | 'WRITE' | 'YEAR' | 'ZONE'
    ;

REGULAR_IDENTIFIER: [A-Z] [A-Z0-9_]*;

// "" inside stands for one double quote.
DELIMITED_IDENTIFIER: '"' (~'"' | '""')+ '"';

// '' inside stands for one quote.
STRING: '\'' (~'\'' | '\'\'')* '\'';

HEX_INTEGER: '0X' [0-9A-F]+;
UNSIGNED_INTEGER: DIGIT+;
EXACT_DECIMAL: DIGIT+ '.' DIGIT* | '.' DIGIT+;
APPROXIMATE: (DIGIT+ ('.' DIGIT*)? | '.' DIGIT+) 'E' [+-]? DIGIT+;
fragment DIGIT: [0-9];

EQ: '='; NE: '<>'; NE2: '!='; LT: '<'; GT: '>'; LE: '<='; GE: '>=';
PLUS: '+'; MINUS: '-'; ASTERISK: '*'; SOLIDUS: '/'; CONCAT: '||'; AMPERSAND: '&'; CIRCUMFLEX: '^';
VERTICAL_BAR: '|'; TILDE: '~'; LPAREN: '('; RPAREN: ')'; COMMA: ','; PERIOD: '.';

COMMENT: '--' ~[\r\n]* -> skip;
WHITESPACE: [ \t\r\n\f]+ -> skip;

// Anything else reaches the parser as a token it cannot use, so the error names it with its position.
UNEXPECTED_CHARACTER: .;
