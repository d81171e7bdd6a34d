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
        // Through the archive's ADQL, on either backend.
        static double D(object? v) => Convert.ToDouble(v, System.Globalization.CultureInfo.InvariantCulture);
        static int I(object? v) => Convert.ToInt32(v, System.Globalization.CultureInfo.InvariantCulture);
        return server.Query("SELECT specobjid, plate, mjd, fiberid, ra, dec, z, wavemin, wavemax FROM spec.specobj ORDER BY specobjid")
            .Select(r => new SpecRow(Convert.ToInt64(r[0], System.Globalization.CultureInfo.InvariantCulture), I(r[1]), I(r[2]), I(r[3]), D(r[4]), D(r[5]), D(r[6]), D(r[7]), D(r[8])))
            .ToList();
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
