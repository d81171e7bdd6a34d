using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using VoSpec.Core.Faults;

namespace VoSpec.Server.SpecService;

/// <summary>
/// A /spec request's parameters from the query string and a POSTed form, names case-insensitive, repeated
/// values in order. The Data Lab client sends one id_list field per id, so a urlencoded form is read pair by
/// pair (ASP.NET's form reader stops at 1,024 values) and refused with 413 as soon as it lists too many ids.
/// </summary>
public sealed class SpecParameters
{
    public const string IdListName = "id_list";

    private readonly List<KeyValuePair<string, string>> _values = [];

    public static async Task<SpecParameters> ReadAsync(HttpRequest request, SpecServiceLimits limits, CancellationToken cancel)
    {
        var p = new SpecParameters();
        int ids = 0;
        void Add(string key, string value)
        {
            if (key.Equals(IdListName, StringComparison.OrdinalIgnoreCase) && ++ids > limits.MaxIds)
                throw SpecServiceException.TooManyIds(limits.MaxIds);
            p._values.Add(new(key, value));
        }
        foreach (var (key, values) in request.Query)
            foreach (var v in values) Add(key, v ?? "");
        if (!HttpMethods.IsPost(request.Method) || !request.HasFormContentType) return p;

        try
        {
            if (request.ContentType?.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase) == true)
            {
                using var reader = new FormReader(request.Body, Encoding.UTF8)
                {
                    ValueCountLimit = int.MaxValue,
                    KeyLengthLimit = 1024,
                    ValueLengthLimit = limits.MaxFieldLength,
                };
                while (await reader.ReadNextPairAsync(cancel) is { } pair) Add(pair.Key, pair.Value);
            }
            else
            {
                var form = await request.ReadFormAsync(new FormOptions
                {
                    ValueCountLimit = limits.MaxIds + 1024,
                    ValueLengthLimit = limits.MaxFieldLength,
                }, cancel);
                foreach (var (key, values) in form)
                    foreach (var v in values) Add(key, v ?? "");
            }
        }
        catch (InvalidDataException e)
        {
            throw new UserInputException("the POSTed form could not be read: " + e.Message);
        }
        return p;
    }

    public static SpecParameters From(IEnumerable<KeyValuePair<string, string>> values)
    {
        var p = new SpecParameters();
        p._values.AddRange(values);
        return p;
    }

    public IEnumerable<string> GetAll(string name) =>
        _values.Where(kv => string.Equals(kv.Key, name, StringComparison.OrdinalIgnoreCase)).Select(kv => kv.Value);

    /// <summary>The value, or null when absent or when the client sent its "no value" spellings ('', 'None').</summary>
    public string? Get(string name)
    {
        string? found = null;
        foreach (var v in GetAll(name))
        {
            if (found is not null && found != v) throw new UserInputException($"parameter {name} may be given only once");
            found = v;
        }
        return found is null || IsNone(found) ? null : found.Trim();
    }

    public static bool IsNone(string value) => string.IsNullOrWhiteSpace(value) || value.Trim().Equals("None", StringComparison.OrdinalIgnoreCase);

    /// <summary>Python's True/False (and the usual lower-case and 1/0 spellings); absent → <paramref name="absent"/>.</summary>
    public bool GetBool(string name, bool absent)
    {
        var v = Get(name);
        if (v is null) return absent;
        return v.ToLowerInvariant() switch
        {
            "true" or "1" or "yes" or "t" => true,
            "false" or "0" or "no" or "f" => false,
            _ => throw new UserInputException($"{name} must be True or False, not '{v}'"),
        };
    }
}
