using System.Collections;
using VoSpec.Adql.Query;

namespace VoSpec.Adql.Feature;

/// <summary>
/// The optional ADQL features one service offers, as one instance: the checker refuses any optional feature not in it,
/// and the TAP capabilities declare exactly it, so what is declared and what is accepted cannot drift apart.
/// </summary>
public sealed class LanguageFeatureSet(IReadOnlyList<LanguageFeature> features) : IReadOnlyList<LanguageFeature>
{
    public LanguageFeature this[int index] => features[index];
    public int Count => features.Count;
    public IEnumerator<LanguageFeature> GetEnumerator() => features.GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Whether a user-defined function of this name (any case) is declared.</summary>
    public bool IsUserDefined(string name) =>
        !name.Equals("IN_UNIT", StringComparison.OrdinalIgnoreCase) && features.Any(f => f.Type == AdqlFeatures.UserDefined && f.Form.Length > name.Length
            && f.Form[name.Length] == '(' && f.Form.StartsWith(name, StringComparison.OrdinalIgnoreCase));

    public bool IsSupported(string type, string form) =>
        features.Any(f => f.Type == type && string.Equals(f.Form, form, StringComparison.OrdinalIgnoreCase));

    /// <summary>Throws <see cref="AdqlUnsupportedException"/> unless the feature is offered.</summary>
    public void Require(string type, string form, TextPosition at)
    {
        if (!IsSupported(type, form))
            throw new AdqlUnsupportedException($"{form} is not supported by this service (optional ADQL feature {type})", at);
    }
}
