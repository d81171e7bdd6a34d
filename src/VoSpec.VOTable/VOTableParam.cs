namespace VoSpec.VOTable;

/// <summary>A PARAM: a typed constant (<see cref="Field"/> gives name and type) with a required <c>value</c>.</summary>
public sealed record VOTableParam(VOTableField Field, string Value)
{
    public VOTableValues? Values { get; init; }

    public string Name => Field.Name;

    /// <summary>A <c>char *</c> PARAM with a fixed value (standardID, accessURL, contentType…).</summary>
    public static VOTableParam Text(string name, string value, string? ucd = null) =>
        new(VOTableField.Text(name, ucd), value);

    /// <summary>
    /// A row-bound service input: <c>value=""</c> with <c>ref</c> to a result FIELD's ID; the client sends that row's value.
    /// </summary>
    public static VOTableParam RowBound(string name, string fieldId, string? ucd = null) =>
        new(VOTableField.Text(name, ucd) with { Ref = fieldId }, "");

    /// <summary>A user input described by its type (value=""), optionally with a domain.</summary>
    public static VOTableParam Input(VOTableField field, VOTableValues? values = null) => new(field, "") { Values = values };
}
