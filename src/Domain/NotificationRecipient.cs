namespace BacklogPortal.Domain;

/// <summary>
/// A further address of a customer account that receives its notices (e.g. a colleague or a shared
/// purchasing mailbox), added on the settings page. It receives nothing until someone opened the
/// confirmation link sent to it: an address typed by mistake, or someone else's, never gets the account's mail.
/// </summary>
[Index(nameof(CustomerId), nameof(Email), IsUnique = true)]
public class NotificationRecipient
{
    public const int MaxEmailLength = 256;

    /// <summary>How long a confirmation link works.</summary>
    public static readonly TimeSpan ConfirmationLifetime = TimeSpan.FromDays(3);

    public int Id { get; set; }

    public int CustomerId { get; set; }

    [MaxLength(MaxEmailLength)]
    public required string Email { get; set; }

    public DateTimeOffset AddedAt { get; set; }

    /// <summary>Null while pending: the address receives nothing.</summary>
    public DateTimeOffset? ConfirmedAt { get; set; }

    /// <summary>SHA-256 of the secret in the confirmation link (hex); the secret itself is never stored.</summary>
    [MaxLength(SecretToken.HashLength)]
    public string? ConfirmationTokenHash { get; set; }

    public DateTimeOffset ConfirmationExpiresAt { get; set; }

    public bool IsConfirmed => ConfirmedAt is not null;
}
