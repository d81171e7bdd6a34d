using System.Data.Common;

namespace VoSpec.VOTable;

/// <summary>
/// Reads one row of a <see cref="DbDataReader"/> into a <see cref="CellEncoder"/>, choosing the typed getter from the
/// declared FIELD type: GetInt64 for boolean/integer FIELDs, GetDouble for reals, GetString for text — SQLite converts
/// its dynamic values to what is asked, and nothing is boxed. A provider whose getter refuses the conversion
/// (InvalidCastException) is read boxed from then on, through the same conversions as <c>WriteValue</c>. An
/// <see cref="IRawCells"/> reader feeding BINARY2 goes a whole row at a time (<see cref="Binary2RowEncoder.WriteRawRow"/>).
/// </summary>
internal sealed class DataReaderCells
{
    private readonly FieldCodec[] _codecs;
    private readonly bool[] _boxed;
    private readonly IRawCells? _raw;

    public DataReaderCells(DbDataReader reader, FieldCodec[] codecs)
    {
        if (reader.FieldCount < codecs.Length)
            throw new ArgumentException($"the query returns {reader.FieldCount} columns for {codecs.Length} FIELDs");
        _codecs = codecs;
        _raw = reader as IRawCells;
        _boxed = new bool[codecs.Length];
        // Arrays arrive as text (DALI form) or provider arrays: always through the boxed path.
        for (int i = 0; i < codecs.Length; i++) _boxed[i] = codecs[i].IsArray && codecs[i].Kind != CellKind.Text;
    }

    public void WriteRow(DbDataReader r, CellEncoder e)
    {
        if (_raw is not null && ReferenceEquals(r, _raw) && e is Binary2RowEncoder { WritesRawRows: true } binary)
        {
            binary.WriteRawRow(_raw);
            return;
        }
        for (int i = 0; i < _codecs.Length; i++)
        {
            if (r.IsDBNull(i)) { e.WriteNull(); continue; }
            if (!_boxed[i] && TryTyped(r, e, i)) continue;
            e.WriteValue(r.GetValue(i));
        }
    }

    private bool TryTyped(DbDataReader r, CellEncoder e, int i)
    {
        switch (_codecs[i].Kind)
        {
            case CellKind.Integer or CellKind.Boolean:
                long l;
                try { l = r.GetInt64(i); } catch (InvalidCastException) { _boxed[i] = true; return false; }
                if (_codecs[i].Kind == CellKind.Boolean) e.WriteBoolean(l != 0); else e.WriteInt64(l);
                return true;
            case CellKind.Real:
                double d;
                try { d = r.GetDouble(i); } catch (InvalidCastException) { _boxed[i] = true; return false; }
                e.WriteDouble(d);
                return true;
            case CellKind.Text when r is IRawCells raw:
                raw.TryGetUtf8(i, out var utf8);
                e.WriteUtf8(utf8);
                return true;
            case CellKind.Text:
                string s;
                try { s = r.GetString(i); } catch (InvalidCastException) { _boxed[i] = true; return false; }
                e.WriteString(s);
                return true;
            default:
                _boxed[i] = true;
                return false;
        }
    }
}
