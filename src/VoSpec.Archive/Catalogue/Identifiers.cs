namespace VoSpec.Archive.Catalogue;

/// <summary>Publisher DIDs and the DataLink URLs built from them.</summary>
public static class Identifiers
{
    public static string PublisherDid(string authority, string collection, long specObjId) =>
        $"ivo://{authority}/{collection}?{specObjId}";

    /// <summary>Splits ivo://authority/collection?localid; null when the text is not of that form.</summary>
    public static (string Authority, string Collection, string LocalId)? ParseDid(string did)
    {
        const string scheme = "ivo://";
        if (!did.StartsWith(scheme, StringComparison.OrdinalIgnoreCase)) return null;
        var rest = did[scheme.Length..];
        int slash = rest.IndexOf('/'), q = rest.IndexOf('?');
        if (slash <= 0 || q < slash + 2 || q == rest.Length - 1) return null;
        return (rest[..slash], rest[(slash + 1)..q], rest[(q + 1)..]);
    }

    public static string DataLinkUrl(string publicUrl, string did) =>
        publicUrl + "datalink/links?ID=" + Uri.EscapeDataString(did);
}
