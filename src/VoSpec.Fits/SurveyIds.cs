using System.Security.Cryptography;
using System.Text;

namespace VoSpec.Fits;

/// <summary>
/// The 63-bit spectrum id of a survey whose own identifiers do not pack into SDSS's specObjID (DESI, SDSS-V):
/// one hash of the spectrum's unique name, so every such survey makes its ids the same way.
/// </summary>
public static class SurveyIds
{
    /// <summary>The first 8 bytes of the SHA-256 of <paramref name="uniqueName"/> (ASCII), kept positive.</summary>
    public static long Hash(string uniqueName)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.ASCII.GetBytes(uniqueName), hash);
        return (long)(System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(hash) & long.MaxValue);
    }
}
