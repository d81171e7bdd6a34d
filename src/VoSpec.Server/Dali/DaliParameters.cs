using Microsoft.AspNetCore.Http;
using VoSpec.Core.Faults;

namespace VoSpec.Server.Dali;

/// <summary>
/// A DALI request's parameters from the query string and a POSTed form (urlencoded or multipart),
/// with case-insensitive names and repeated values kept in order. Multipart file parts are kept by
/// part name (TAP's UPLOAD=name,param:part).
/// </summary>
public sealed class DaliParameters
{
    private readonly List<KeyValuePair<string, string>> _values = [];

    public IReadOnlyList<KeyValuePair<string, string>> All => _values;
    public IReadOnlyDictionary<string, IFormFile> Files { get; private init; } = new Dictionary<string, IFormFile>();

    public static async Task<DaliParameters> ReadAsync(HttpRequest request, CancellationToken cancel)
    {
        var files = new Dictionary<string, IFormFile>(StringComparer.Ordinal);
        var p = new DaliParameters { Files = files };
        foreach (var (key, values) in request.Query)
            foreach (var v in values) p._values.Add(new(key, v ?? ""));
        if (HttpMethods.IsPost(request.Method) && request.HasFormContentType)
        {
            IFormCollection form;
            try { form = await request.ReadFormAsync(cancel); }
            catch (InvalidDataException e) { throw new UserInputException("the POSTed form could not be read: " + e.Message); }
            // A multipart body without its boundary, or cut short.
            catch (InvalidOperationException e) { throw new UserInputException("the POSTed form could not be read: " + e.Message); }
            // A body over its limit is not a broken form: the body limit answers it (413, RequestLimits).
            catch (IOException e) when (!cancel.IsCancellationRequested && e is not BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge })
            { throw new UserInputException("the POSTed form could not be read: " + e.Message); }
            foreach (var (key, values) in form)
                foreach (var v in values) p._values.Add(new(key, v ?? ""));
            foreach (var f in form.Files) files[f.Name] = f;
        }
        return p;
    }

    public static DaliParameters From(IEnumerable<KeyValuePair<string, string>> values)
    {
        var p = new DaliParameters();
        p._values.AddRange(values);
        return p;
    }

    public IEnumerable<string> GetAll(string name) =>
        _values.Where(kv => string.Equals(kv.Key, name, StringComparison.OrdinalIgnoreCase)).Select(kv => kv.Value);

    /// <summary>A single-valued parameter: null when absent; giving it twice is the user's error.</summary>
    public string? GetSingle(string name)
    {
        string? found = null;
        foreach (var v in GetAll(name))
        {
            if (found is not null) throw new UserInputException($"parameter {name.ToUpperInvariant()} may be given only once");
            found = v;
        }
        return found;
    }

    public bool Has(string name) => GetAll(name).Any();
}
