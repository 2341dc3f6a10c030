using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;

namespace BacklogPortal.Domain;

/// <summary>
/// A secret that travels in a URL (a recipient's confirmation link, a calendar feed address): 256 random
/// bits, base64url. Only its SHA-256 is stored, so a copy of the database opens no feed and confirms no address.
/// </summary>
public static class SecretToken
{
    /// <summary>The length of a token's text (32 bytes in base64url, without padding).</summary>
    public const int Length = 43;

    /// <summary>The length of a stored hash: SHA-256 in lower-case hex (tokens here, API keys and idempotent requests alike).</summary>
    public const int HashLength = 64;

    public static string New() => WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(32));

    /// <summary>The stored form; null for text that cannot be a token, so a malformed URL never reaches the database.</summary>
    public static string? HashOf(string? token) =>
        token is { Length: Length } && token.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_')
            ? Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(token)))
            : null;
}
