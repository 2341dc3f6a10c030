namespace BacklogPortal.Domain;

/// <summary>
/// The first response to an API request sent with an <c>Idempotency-Key</c> header, per key and
/// client: a retry with the same key and body gets it back instead of applying the request again.
/// </summary>
[Index(nameof(ApiClientId), nameof(Key), IsUnique = true)]
public class IdempotencyRecord
{
    public const int MaxKeyLength = 200;

    public long Id { get; set; }

    public int ApiClientId { get; set; }

    [MaxLength(MaxKeyLength)]
    public required string Key { get; set; }

    /// <summary>SHA-256 (hex) of method, path and body: the same key with another request is refused.</summary>
    [MaxLength(SecretToken.HashLength)]
    public required string RequestHash { get; set; }

    /// <summary>Null while the first request is still running.</summary>
    public int? StatusCode { get; set; }

    [MaxLength(200)]
    public string? ContentType { get; set; }

    public byte[]? ResponseBody { get; set; }

    [MaxLength(2000)]
    public string? Location { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}
