namespace BacklogPortal.Email;

/// <summary>The <c>Email:*</c> keys of the SPEC contract.</summary>
public sealed class EmailOptions : IValidatableObject
{
    public const string SectionName = "Email";

    /// <summary>Sender address, e.g. <c>"BacklogPortal &lt;noreply@example.com&gt;"</c> or a bare address.</summary>
    [Required]
    public string From { get; set; } = "BacklogPortal <noreply@backlogportal.local>";

    /// <summary>Where emails are written as .eml files when no SMTP host is configured. Relative to the data folder.</summary>
    public string? PickupDirectory { get; set; }

    public SmtpOptions Smtp { get; set; } = new();

    public bool UsesSmtp => !string.IsNullOrWhiteSpace(Smtp.Host);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!MimeKit.MailboxAddress.TryParse(From, out _))
        {
            yield return new ValidationResult($"Email:From '{From}' is not a valid email address.", [nameof(From)]);
        }
        if (Smtp.Port is < 0 or > 65535)
        {
            yield return new ValidationResult($"Email:Smtp:Port must be between 1 and 65535 (0 picks the default for Email:Smtp:Security), not {Smtp.Port}.", ["Smtp.Port"]);
        }
        if (!string.IsNullOrEmpty(Smtp.UserName) && Smtp.Password is null)
        {
            yield return new ValidationResult("Email:Smtp:Password is required when Email:Smtp:UserName is set.", ["Smtp.Password"]);
        }
        if (Smtp.Timeout <= TimeSpan.Zero)
        {
            yield return new ValidationResult("Email:Smtp:Timeout must be positive.", ["Smtp.Timeout"]);
        }
    }
}

public sealed class SmtpOptions
{
    /// <summary>Empty: no SMTP server, emails go to the pickup folder.</summary>
    public string? Host { get; set; }

    /// <summary>0: 25 for None/StartTls/Auto, 465 for SslOnConnect.</summary>
    public int Port { get; set; }

    /// <summary>The port connected to: the configured one, or the usual one for <see cref="Security"/>.</summary>
    public int EffectivePort => Port != 0 ? Port : Security == SmtpSecurity.SslOnConnect ? 465 : 25;

    public SmtpSecurity Security { get; set; } = SmtpSecurity.Auto;

    public string? UserName { get; set; }

    public string? Password { get; set; }

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>Maps one to one onto MailKit's <see cref="MailKit.Security.SecureSocketOptions"/>.</summary>
public enum SmtpSecurity
{
    None,
    StartTls,
    SslOnConnect,
    Auto,
}
