namespace VoSpec.Adql.Feature;

/// <summary>
/// The optional ADQL 2.1 features: their TAPRegExt type URIs, and the set VoSpec offers (<see cref="All"/>, one
/// <see cref="LanguageFeatureSet"/> that the server hands both to the checker and to its TAP capabilities).
/// </summary>
public static class AdqlFeatures
{
    // TAPRegExt's own case: TOPCAT/STILTS 3.4.x compare these case-sensitively.
    public const string Geometry = "ivo://ivoa.net/std/TAPRegExt#features-adqlgeo";
    public const string String = "ivo://ivoa.net/std/TAPRegExt#features-adql-string";
    public const string Sets = "ivo://ivoa.net/std/TAPRegExt#features-adql-sets";
    public const string CommonTable = "ivo://ivoa.net/std/TAPRegExt#features-adql-common-table";
    public const string Type = "ivo://ivoa.net/std/TAPRegExt#features-adql-type";
    public const string Conditional = "ivo://ivoa.net/std/TAPRegExt#features-adql-conditional";
    public const string Unit = "ivo://ivoa.net/std/TAPRegExt#features-adql-unit";
    public const string Offset = "ivo://ivoa.net/std/TAPRegExt#features-adql-offset";
    public const string UserDefined = "ivo://ivoa.net/std/TAPRegExt#features-udf";

    public static LanguageFeatureSet All { get; } = new(
    [
        new(Geometry, "POINT", "POINT([sys,] lon, lat): a position in degrees"),
        new(Geometry, "CIRCLE", "CIRCLE([sys,] lon, lat, radius | point, radius), degrees"),
        new(Geometry, "BOX", "BOX([sys,] lon, lat, width, height), degrees (deprecated)"),
        new(Geometry, "POLYGON", "POLYGON([sys,] lon1, lat1, lon2, lat2, lon3, lat3, … | p1, p2, p3, …); great-circle edges"),
        new(Geometry, "REGION", "REGION('STC-S'): Point, Circle, Box or Polygon"),
        new(Geometry, "CENTROID", "CENTROID(geometry) → POINT"),
        new(Geometry, "AREA", "AREA(geometry) in square degrees"),
        new(Geometry, "COORD1", "COORD1(point): longitude in degrees"),
        new(Geometry, "COORD2", "COORD2(point): latitude in degrees"),
        new(Geometry, "COORDSYS", "COORDSYS(geometry): the coordinate system (always ICRS here; deprecated)"),
        new(Geometry, "DISTANCE", "DISTANCE(p1, p2) or DISTANCE(lon1, lat1, lon2, lat2): great-circle degrees; DISTANCE(POINT(s_ra, s_dec), …) < r uses the spatial index"),
        new(Geometry, "CONTAINS", "CONTAINS(a, b) = 1 when a lies within b; CONTAINS(POINT(s_ra, s_dec), CIRCLE(…)) = 1 uses the spatial index"),
        new(Geometry, "INTERSECTS", "INTERSECTS(a, b) = 1 when a and b overlap"),
        new(String, "LOWER", "LOWER(s): lower case (ASCII)"),
        new(String, "UPPER", "UPPER(s): upper case (ASCII)"),
        new(String, "ILIKE", "case-insensitive LIKE (ASCII)"),
        new(Sets, "UNION", null),
        new(Sets, "EXCEPT", null),
        new(Sets, "INTERSECT", null),
        new(CommonTable, "WITH", "common table expressions, outermost query only, not recursive"),
        new(Type, "CAST", "CAST(x AS SMALLINT | INTEGER | BIGINT | REAL | DOUBLE PRECISION | CHAR(n) | VARCHAR(n) | TIMESTAMP | POINT | CIRCLE | POLYGON)"),
        new(Offset, "OFFSET", null),
        new(Unit, "IN_UNIT", "IN_UNIT(column, 'unit'): a column with a declared unit converted to another VOUnit of the same dimension, e.g. IN_UNIT(em_min, 'Angstrom')"),
        // The user-defined functions TAP services commonly declare (RegTAP 1.1 and GAVO DaCHS), TAPRegExt signature form.
        new(UserDefined, "ivo_hasword(haystack VARCHAR, needle VARCHAR) -> INTEGER",
            "1 if needle occurs in haystack as whole words (case-insensitive; words are runs of letters and digits), else 0; NULL if either is NULL"),
        new(UserDefined, "ivo_nocasematch(value VARCHAR, pattern VARCHAR) -> INTEGER",
            "1 if value matches the LIKE pattern (% and _) ignoring case, else 0; NULL if either is NULL"),
        new(UserDefined, "ivo_interval_overlaps(l1 DOUBLE, h1 DOUBLE, l2 DOUBLE, h2 DOUBLE) -> INTEGER",
            "1 if the closed intervals [l1, h1] and [l2, h2] share a point (touching ends count), else 0; NULL if any bound is NULL"),
        new(UserDefined, "ivo_string_agg(expr VARCHAR, delim VARCHAR) -> VARCHAR",
            "aggregate: the non-NULL values of expr in a group joined by delim (no defined order); NULL for a group without values"),
        new(UserDefined, "ivo_healpix_index(hpxOrder INTEGER, ra DOUBLE, dec DOUBLE) -> BIGINT",
            "the NESTED-scheme HEALPix index of the ICRS position (degrees) at order 0 to 29 (nside = 2^order)"),
        new(UserDefined, "ivo_healpix_index(hpxOrder INTEGER, p POINT) -> BIGINT",
            "the NESTED-scheme HEALPix index of the point at order 0 to 29"),
        // IN_UNIT is ADQL 2.1 (features-adql-unit above). Clients whose ADQL parser predates 2.1 (STILTS/TOPCAT's
        // validator) take it for a user-defined function, and once any UDF is declared they flag undeclared ones:
        // declaring its signature here too keeps their checks of queries using it quiet.
        new(UserDefined, "in_unit(value DOUBLE, unit VARCHAR) -> DOUBLE",
            "ADQL 2.1 IN_UNIT (see features-adql-unit): a column with a declared unit converted to another VOUnit of the same dimension"),
    ]);

    /// <summary>The feature type of an optional function, or null for mandatory ones (math, trig).</summary>
    public static string? TypeOfFunction(string upperName) => upperName switch
    {
        "POINT" or "CIRCLE" or "BOX" or "POLYGON" or "REGION" or "CENTROID" or "AREA" or "COORD1" or "COORD2"
            or "COORDSYS" or "DISTANCE" or "CONTAINS" or "INTERSECTS" => Geometry,
        "LOWER" or "UPPER" => String,
        // ADQL 2.1 lists COALESCE under features-adql-conditional, a key TAPRegExt validators of the
        // STILTS 3.4 generation reject as unknown; we offer it unconditionally instead of declaring it.
        "COALESCE" => null,
        "IN_UNIT" => Unit,
        _ => null,
    };
}
