using System.Security.Cryptography;
using System.Text;

namespace SdPortal.Data.Security;

/// <summary>
/// High-entropy bearer secrets (API keys, invitation tokens): 256 random bits, stored only as SHA-256. A slow password
/// hash adds nothing for secrets that cannot be guessed, and a plain hash allows an indexed lookup.
/// </summary>
public static class OpaqueToken
{
    /// <summary>Creates a token <c>{prefix}{43 base64url characters}</c> and its hash.</summary>
    public static (string Token, string Hash) Create(string prefix)
    {
        var token = prefix + Base64Url(RandomNumberGenerator.GetBytes(32));
        return (token, Hash(token));
    }

    /// <summary>SHA-256 of the token as 64 lower-case hex characters.</summary>
    public static string Hash(string token) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
