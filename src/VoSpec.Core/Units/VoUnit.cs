using System.Globalization;

namespace VoSpec.Core.Units;

/// <summary>
/// A parsed VOUnit string (IVOA VOUnits 1.0, with the common FITS/CDS habits "cm2", "s-1" and a
/// leading scale factor such as "1e-17"): its scale relative to SI and its dimension. Two units
/// convert into each other when their dimensions are equal; the factor is the ratio of scales.
/// Logarithmic units (mag, dex, dB) are refused, since no factor converts them.
/// </summary>
public sealed class VoUnit
{
    private VoUnit(string text, double scale, Dimension dimension)
    {
        Text = text;
        Scale = scale;
        Dimension = dimension;
    }

    public string Text { get; }
    /// <summary>The value of one of this unit in the SI base units of its dimension.</summary>
    public double Scale { get; }
    public Dimension Dimension { get; }

    /// <summary>The factor x such that a value in this unit times x is the value in <paramref name="target"/>.</summary>
    public double FactorTo(VoUnit target)
    {
        if (!Dimension.Equals(target.Dimension))
            throw new FormatException($"'{Text}' ({Dimension}) cannot be converted to '{target.Text}' ({target.Dimension})");
        return Scale / target.Scale;
    }

    public static bool TryParse(string text, out VoUnit? unit, out string? error)
    {
        try
        {
            unit = Parse(text);
            error = null;
            return true;
        }
        catch (FormatException ex)
        {
            unit = null;
            error = ex.Message;
            return false;
        }
    }

    /// <summary>Parses a unit string; throws <see cref="FormatException"/> with a one-line reason.</summary>
    public static VoUnit Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var p = new Parser(text);
        var (scale, dim) = p.ParseAll();
        return new VoUnit(text.Trim(), scale, dim);
    }

    public override string ToString() => Text;

    private sealed class Parser(string text)
    {
        private readonly string _s = text.Trim();
        private int _i;

        public (double, Dimension) ParseAll()
        {
            if (_s.Length == 0) throw new FormatException("empty unit");
            double scale = 1;
            var dim = Dimension.None;
            if (char.IsDigit(_s[0]) || _s[0] == '.')
            {
                scale = ScaleFactor();
                SkipSeparator();
                if (_i >= _s.Length) return (scale, dim);
            }
            var (s, d) = Product();
            if (_i < _s.Length) throw new FormatException($"unexpected '{_s[_i]}' at position {_i + 1} of unit '{_s}'");
            return (scale * s, dim.Times(d, 1));
        }

        // "1e-17", "0.1", "10**-7", "10+3" (FITS), "10-7".
        private double ScaleFactor()
        {
            int start = _i;
            while (_i < _s.Length && (char.IsDigit(_s[_i]) || _s[_i] == '.')) _i++;
            string mantissa = _s[start.._i];
            if (mantissa == "10" && _i < _s.Length && (_s[_i] == '+' || _s[_i] == '-' || _s.AsSpan(_i).StartsWith("**") || _s[_i] == '^'))
            {
                if (_s.AsSpan(_i).StartsWith("**")) _i += 2;
                else if (_s[_i] == '^') _i++;
                return Math.Pow(10, Exponent());
            }
            if (_i < _s.Length && (_s[_i] == 'e' || _s[_i] == 'E') && _i + 1 < _s.Length && (char.IsDigit(_s[_i + 1]) || _s[_i + 1] is '+' or '-'))
            {
                _i++;
                int es = _i;
                if (_s[_i] is '+' or '-') _i++;
                while (_i < _s.Length && char.IsDigit(_s[_i])) _i++;
                mantissa += "e" + _s[es.._i];
            }
            if (!double.TryParse(mantissa, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || v <= 0 || !double.IsFinite(v))
                throw new FormatException($"bad scale factor '{mantissa}' in unit '{_s}'");
            return v;
        }

        private void SkipSeparator()
        {
            while (_i < _s.Length && (_s[_i] == ' ' || _s[_i] == '.' || _s[_i] == '*')) _i++;
        }

        // product := factor (('.' | ' ' | '*') factor | '/' factor)*
        private (double, Dimension) Product()
        {
            var (scale, dim) = Factor();
            while (_i < _s.Length)
            {
                char c = _s[_i];
                if (c == '/')
                {
                    _i++;
                    var (s, d) = Factor();
                    scale /= s;
                    dim = dim.Times(d, -1);
                }
                else if (c == '.' || c == ' ' || (c == '*' && !_s.AsSpan(_i).StartsWith("**")))
                {
                    _i++;
                    var (s, d) = Factor();
                    scale *= s;
                    dim = dim.Times(d, 1);
                }
                else break;
            }
            return (scale, dim);
        }

        // factor := ( '(' product ')' | symbol ) [ '**' exponent | '^' exponent | signed integer ]
        private (double, Dimension) Factor()
        {
            double scale;
            Dimension dim;
            if (_i < _s.Length && _s[_i] == '(')
            {
                _i++;
                (scale, dim) = Product();
                if (_i >= _s.Length || _s[_i] != ')') throw new FormatException($"missing ')' in unit '{_s}'");
                _i++;
            }
            else
            {
                int start = _i;
                while (_i < _s.Length && (char.IsLetter(_s[_i]) || _s[_i] == '_')) _i++;
                if (start == _i)
                    throw new FormatException(_i < _s.Length ? $"unexpected '{_s[_i]}' at position {_i + 1} of unit '{_s}'" : $"unit '{_s}' ends early");
                (scale, dim) = Symbol(_s[start.._i]);
            }
            double power = 1;
            if (_s.AsSpan(_i).StartsWith("**")) { _i += 2; power = Exponent(); }
            else if (_i < _s.Length && _s[_i] == '^') { _i++; power = Exponent(); }
            else if (_i < _s.Length && (char.IsDigit(_s[_i]) || (_s[_i] is '+' or '-' && _i + 1 < _s.Length && char.IsDigit(_s[_i + 1]))))
                power = Exponent();
            return (Math.Pow(scale, power), dim.Power(power));
        }

        // An integer, a decimal, or a parenthesised fraction "(1/2)" / "(-1.5)".
        private double Exponent()
        {
            if (_i < _s.Length && _s[_i] == '(')
            {
                int close = _s.IndexOf(')', _i);
                if (close < 0) throw new FormatException($"missing ')' in unit '{_s}'");
                string inner = _s[(_i + 1)..close];
                _i = close + 1;
                int slash = inner.IndexOf('/');
                if (slash >= 0)
                    return Number(inner[..slash]) / Number(inner[(slash + 1)..]);
                return Number(inner);
            }
            int start = _i;
            if (_i < _s.Length && _s[_i] is '+' or '-') _i++;
            while (_i < _s.Length && char.IsDigit(_s[_i])) _i++;
            return Number(_s[start.._i]);
        }

        private double Number(string t)
        {
            if (!double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || !double.IsFinite(v))
                throw new FormatException($"bad exponent '{t}' in unit '{_s}'");
            return v;
        }

        private (double, Dimension) Symbol(string name)
        {
            if (Units.TryGetValue(name, out var u)) return (u.Scale, u.Dimension);
            if (Logarithmic.Contains(name))
                throw new FormatException($"'{name}' is a logarithmic unit and cannot be converted by a factor");
            // A prefixed unit: the longest prefix first ("da" before "d").
            foreach (var (prefix, factor) in Prefixes)
            {
                if (name.Length > prefix.Length && name.StartsWith(prefix, StringComparison.Ordinal)
                    && Units.TryGetValue(name[prefix.Length..], out var b) && b.Prefixable
                    && (b.Binary || !BinaryPrefix(prefix)))
                    return (factor * b.Scale, b.Dimension);
            }
            throw new FormatException($"unknown unit '{name}' in '{_s}'");
        }
    }

    // Binary prefixes (Ki, Mi…) apply to bits and bytes only.
    private sealed record Known(double Scale, Dimension Dimension, bool Prefixable = true, bool Binary = false);

    private static bool BinaryPrefix(string prefix) => prefix.Length == 2 && prefix[1] == 'i';

    private static readonly (string, double)[] Prefixes =
    [
        ("da", 1e1), ("Ki", 1024d), ("Mi", 1024d * 1024), ("Gi", Math.Pow(1024, 3)), ("Ti", Math.Pow(1024, 4)),
        ("Pi", Math.Pow(1024, 5)), ("Ei", Math.Pow(1024, 6)),
        ("y", 1e-24), ("z", 1e-21), ("a", 1e-18), ("f", 1e-15), ("p", 1e-12), ("n", 1e-9), ("u", 1e-6), ("m", 1e-3),
        ("c", 1e-2), ("d", 1e-1), ("h", 1e2), ("k", 1e3), ("M", 1e6), ("G", 1e9), ("T", 1e12), ("P", 1e15),
        ("E", 1e18), ("Z", 1e21), ("Y", 1e24),
    ];

    private static readonly HashSet<string> Logarithmic = ["mag", "dex", "dB", "dBm"];

    private static readonly Dictionary<string, Known> Units = BuildUnits();

    private static Dictionary<string, Known> BuildUnits()
    {
        var m = Dimension.Of("m");
        var kg = Dimension.Of("kg");
        var s = Dimension.Of("s");
        var a = Dimension.Of("A");
        var k = Dimension.Of("K");
        var rad = Dimension.Of("rad");
        var hz = s.Power(-1);
        var n = kg.Times(m, 1).Times(s, -2);
        var j = n.Times(m, 1);
        var w = j.Times(s, -1);
        var c = a.Times(s, 1);
        var v = w.Times(a, -1);
        var bit = Dimension.Of("bit");
        double pi = Math.PI;
        var u = new Dictionary<string, Known>(StringComparer.Ordinal)
        {
            ["m"] = new(1, m),
            ["g"] = new(1e-3, kg),
            ["s"] = new(1, s),
            ["A"] = new(1, a),
            ["K"] = new(1, k),
            ["mol"] = new(1, Dimension.Of("mol")),
            ["cd"] = new(1, Dimension.Of("cd")),
            ["rad"] = new(1, rad),
            ["sr"] = new(1, rad.Power(2)),
            ["Hz"] = new(1, hz),
            ["N"] = new(1, n),
            ["Pa"] = new(1, n.Times(m, -2)),
            ["J"] = new(1, j),
            ["W"] = new(1, w),
            ["C"] = new(1, c),
            ["V"] = new(1, v),
            ["Ohm"] = new(1, v.Times(a, -1)),
            ["S"] = new(1, a.Times(v, -1)),
            ["F"] = new(1, c.Times(v, -1)),
            ["Wb"] = new(1, v.Times(s, 1)),
            ["T"] = new(1, v.Times(s, 1).Times(m, -2)),
            ["H"] = new(1, v.Times(s, 1).Times(a, -1)),
            ["lm"] = new(1, Dimension.Of("cd").Times(rad, 2)),
            ["lx"] = new(1, Dimension.Of("cd").Times(rad, 2).Times(m, -2)),
            ["Bq"] = new(1, hz),
            ["Gy"] = new(1, j.Times(kg, -1)),
            ["Sv"] = new(1, j.Times(kg, -1)),
            ["kat"] = new(1, Dimension.Of("mol").Times(s, -1)),
            ["deg"] = new(pi / 180, rad, Prefixable: false),
            ["arcmin"] = new(pi / 180 / 60, rad),
            ["arcsec"] = new(pi / 180 / 3600, rad),
            ["mas"] = new(pi / 180 / 3600e3, rad, Prefixable: false),
            ["uas"] = new(pi / 180 / 3600e6, rad, Prefixable: false),
            ["min"] = new(60, s, Prefixable: false),
            ["h"] = new(3600, s, Prefixable: false),
            ["d"] = new(86400, s, Prefixable: false),
            ["a"] = new(365.25 * 86400, s),
            ["yr"] = new(365.25 * 86400, s),
            ["Angstrom"] = new(1e-10, m, Prefixable: false),
            ["angstrom"] = new(1e-10, m, Prefixable: false),
            ["AU"] = new(1.495978707e11, m, Prefixable: false),
            ["au"] = new(1.495978707e11, m, Prefixable: false),
            ["pc"] = new(3.0856775814913673e16, m),
            ["lyr"] = new(9.4607304725808e15, m),
            ["solRad"] = new(6.957e8, m, Prefixable: false),
            ["solMass"] = new(1.98847e30, kg, Prefixable: false),
            ["solLum"] = new(3.828e26, w, Prefixable: false),
            ["eV"] = new(1.602176634e-19, j),
            ["erg"] = new(1e-7, j),
            ["Ry"] = new(13.605693122994 * 1.602176634e-19, j),
            ["Jy"] = new(1e-26, w.Times(m, -2).Times(hz, -1)),
            ["G"] = new(1e-4, v.Times(s, 1).Times(m, -2)),
            ["barn"] = new(1e-28, m.Power(2)),
            ["u"] = new(1.66053906660e-27, kg, Prefixable: false),
            ["D"] = new(1e-21 / 299792458.0, c.Times(m, 1), Prefixable: false),
            ["R"] = new(1e10 / (4 * pi), m.Power(-2).Times(s, -1).Times(rad, -2)),
            ["bit"] = new(1, bit, Binary: true),
            ["byte"] = new(8, bit, Binary: true),
            ["B"] = new(8, bit, Binary: true),
            ["ct"] = new(1, Dimension.Of("ct")),
            ["count"] = new(1, Dimension.Of("ct")),
            ["photon"] = new(1, Dimension.Of("photon")),
            ["ph"] = new(1, Dimension.Of("photon")),
            ["pix"] = new(1, Dimension.Of("pix")),
            ["pixel"] = new(1, Dimension.Of("pix")),
            ["chan"] = new(1, Dimension.Of("chan")),
            ["beam"] = new(1, Dimension.Of("beam")),
            ["adu"] = new(1, Dimension.Of("adu")),
            ["voxel"] = new(1, Dimension.Of("voxel")),
        };
        return u;
    }
}

/// <summary>A physical dimension: base-quantity names with their (possibly fractional) exponents.</summary>
public sealed class Dimension : IEquatable<Dimension>
{
    private readonly SortedDictionary<string, double> _exponents;

    private Dimension(SortedDictionary<string, double> exponents) => _exponents = exponents;

    public static Dimension None { get; } = new(new SortedDictionary<string, double>(StringComparer.Ordinal));

    public static Dimension Of(string baseQuantity) =>
        new(new SortedDictionary<string, double>(StringComparer.Ordinal) { [baseQuantity] = 1 });

    /// <summary>This dimension times <paramref name="other"/> raised to <paramref name="power"/>.</summary>
    public Dimension Times(Dimension other, double power)
    {
        var e = new SortedDictionary<string, double>(_exponents, StringComparer.Ordinal);
        foreach (var (k, v) in other._exponents)
        {
            double sum = (e.TryGetValue(k, out double x) ? x : 0) + v * power;
            if (Math.Abs(sum) < 1e-12) e.Remove(k);
            else e[k] = sum;
        }
        return new Dimension(e);
    }

    public Dimension Power(double power) => None.Times(this, power);

    public bool Equals(Dimension? other) =>
        other is not null && _exponents.Count == other._exponents.Count
        && _exponents.All(kv => other._exponents.TryGetValue(kv.Key, out double v) && Math.Abs(v - kv.Value) < 1e-12);

    public override bool Equals(object? obj) => Equals(obj as Dimension);

    public override int GetHashCode() => string.Join(",", _exponents.Keys).GetHashCode(StringComparison.Ordinal);

    public override string ToString() =>
        _exponents.Count == 0
            ? "dimensionless"
            : string.Join(" ", _exponents.Select(kv => kv.Value == 1 ? kv.Key : $"{kv.Key}^{kv.Value.ToString(CultureInfo.InvariantCulture)}"));
}
