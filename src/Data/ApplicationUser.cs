using Microsoft.AspNetCore.Identity;

namespace BacklogPortal.Data;

/// <summary>A person who signs in: a customer's buyer or a member of staff.</summary>
public class ApplicationUser : IdentityUser
{
    /// <summary>
    /// A user whose address needs no confirmation link: an admin's invitation (choosing the password through the
    /// emailed link proves the address) and the demo's users. The address is also the user name.
    /// </summary>
    public static ApplicationUser WithConfirmedEmail(string email, string? displayName, int? customerId) => new()
    {
        UserName = email,
        Email = email,
        EmailConfirmed = true,
        DisplayName = displayName,
        CustomerId = customerId,
    };

    /// <summary>The customer account this user belongs to; null for staff.</summary>
    public int? CustomerId { get; set; }

    public Customer? Customer { get; set; }

    /// <summary>How forms limit a name; the column allows more, so a longer name set by an older rule still loads.</summary>
    public const int MaxDisplayNameLength = 100;

    /// <summary>The person's name, used to greet them; null when they gave none.</summary>
    [MaxLength(200)]
    public string? DisplayName { get; set; }

    /// <summary>The user switched their own address off on the settings page: their customer's notices do not go to it.</summary>
    public bool ExcludedFromNotifications { get; set; }

    /// <summary>SHA-256 (hex) of the secret in the user's personal calendar feed URL; null: no feed.</summary>
    [MaxLength(SecretToken.HashLength)]
    public string? CalendarFeedTokenHash { get; set; }
}
