namespace BacklogPortal.Domain;

/// <summary>A machine client of the ERP API, authenticated by the <c>X-Api-Key</c> header.</summary>
[Index(nameof(Name), IsUnique = true)]
public class ApiClient
{
    public const int MaxNameLength = 100;

    public int Id { get; set; }

    [MaxLength(MaxNameLength)]
    public required string Name { get; set; }

    /// <summary>SHA-256 of the key, hex; the key itself is shown once and never stored.</summary>
    [MaxLength(SecretToken.HashLength)]
    public required string KeyHash { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? RevokedAt { get; set; }

    /// <summary>When the key last opened the API (updated at most once a minute per key and instance).</summary>
    public DateTimeOffset? LastUsedAt { get; set; }
}

public static class ApiKeys
{
    public static string Hash(string key) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(key)));
}
