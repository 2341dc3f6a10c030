using MimeKit;

namespace BacklogPortal.Email;

/// <summary>
/// An email address the portal can actually send to: a plain address that MimeKit, the library that
/// sends, parses back to itself. <see cref="EmailAddressAttribute"/> alone lets through addresses such as
/// <c>x"@example.com</c> that MimeKit refuses when the email is built.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field | AttributeTargets.Parameter)]
public sealed class DeliverableEmailAttribute : ValidationAttribute
{
    public DeliverableEmailAttribute()
        : base("Enter a valid email address.")
    {
    }

    public override bool IsValid(object? value) => value is null || (value is string text && IsDeliverable(text));

    public static bool IsDeliverable(string text)
    {
        var trimmed = text.Trim();
        if (trimmed.Length == 0 || trimmed.Length > 254 || BacklogPortal.Domain.PlainText.HasControlCharacter(trimmed))
        {
            return false;
        }
        return new EmailAddressAttribute().IsValid(trimmed)
            && MailboxAddress.TryParse(ParserOptions.Default, trimmed, out var mailbox)
            && string.Equals(mailbox.Address, trimmed, StringComparison.OrdinalIgnoreCase)
            && string.IsNullOrEmpty(mailbox.Name);
    }
}
