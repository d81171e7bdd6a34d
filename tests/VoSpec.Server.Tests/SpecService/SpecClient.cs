using System.Globalization;
using System.Net;
using VoSpec.Archive;

namespace VoSpec.Server.Tests.SpecService;

/// <summary>One demo spectrum as the catalogue knows it.</summary>
public sealed record SpecRow(long SpecObjId, int Plate, int Mjd, int FiberId, double Ra, double Dec, double Z, double WaveMin, double WaveMax)
{
    public string Tuple => $"({Plate}, {Mjd}, {FiberId})";
    public string Id => SpecObjId.ToString(CultureInfo.InvariantCulture);
}

/// <summary>Requests as Data Lab's specClient sends them (repeated id_list fields, True/False strings) and the catalogue's truth.</summary>
public static class SpecClient
{
    public static IReadOnlyList<SpecRow> Catalogue(RunningServer server)
    {
        using var archive = SpectrumArchive.Open(server.ArchiveDir);
        using var conn = archive.Sqlite.OpenConnection();
        using var cmd = conn.CreateCommand();
        cmd.CommandText = "SELECT specobjid, plate, mjd, fiberid, ra, dec, z, wavemin, wavemax FROM specobj ORDER BY spec_id";
        using var r = cmd.ExecuteReader();
        var list = new List<SpecRow>();
        while (r.Read())
            list.Add(new SpecRow(r.GetInt64(0), r.GetInt32(1), r.GetInt32(2), r.GetInt32(3), r.GetDouble(4), r.GetDouble(5), r.GetDouble(6), r.GetDouble(7), r.GetDouble(8)));
        return list;
    }

    /// <summary>POST spec/CALL with one id_list field per id and the other fields as given.</summary>
    public static Task<HttpResponseMessage> Post(RunningServer server, string call, IEnumerable<string> ids, params (string Key, string Value)[] fields)
    {
        var given = fields.ToList();
        foreach (var (key, value) in new[] { ("context", "default"), ("profile", "default"), ("debug", "False"), ("verbose", "False") })
            if (!given.Any(f => f.Key == key)) given.Add((key, value));
        var form = ids.Select(id => new KeyValuePair<string, string>("id_list", id))
            .Concat(given.Select(f => new KeyValuePair<string, string>(f.Key, f.Value)));
        var request = new HttpRequestMessage(HttpMethod.Post, "spec/" + call) { Content = new FormUrlEncodedContent(form) };
        return server.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
    }

    public static async Task<byte[]> PostBytes(RunningServer server, string call, IEnumerable<string> ids, params (string Key, string Value)[] fields)
    {
        using var r = await Post(server, call, ids, fields);
        var body = await r.Content.ReadAsByteArrayAsync();
        if (r.StatusCode != HttpStatusCode.OK)
            throw new Xunit.Sdk.XunitException($"{call} answered {(int)r.StatusCode}: {System.Text.Encoding.UTF8.GetString(body)}");
        return body;
    }

    public static string Q(string s) => Uri.EscapeDataString(s);
    public static string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}
