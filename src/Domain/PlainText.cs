namespace BacklogPortal.Domain;

/// <summary>
/// The rule for every free text a person or a system gives the portal (reasons, names, carriers, ...): one line of
/// printable text. A control character is refused rather than stripped: a NUL cuts the plain-text part of an email
/// short (and its links with it), a line break or escape code breaks CSV exports and log lines, and silently changing
/// what someone typed would put words in the audit trail they did not write.
/// </summary>
public static class PlainText
{
    public const string ControlCharacterMessage = "Control characters (line breaks, tabs, ...) are not allowed here.";

    /// <summary>The first control character of <paramref name="value"/>, or null when there is none.</summary>
    public static char? FirstControlCharacter(string? value)
    {
        if (value is null)
        {
            return null;
        }
        foreach (var c in value)
        {
            if (char.IsControl(c))
            {
                return c;
            }
        }
        return null;
    }

    public static bool HasControlCharacter(string? value) => FirstControlCharacter(value) is not null;
}

/// <summary>Form validation for <see cref="PlainText"/>: a text without control characters.</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field | AttributeTargets.Parameter)]
public sealed class PlainTextAttribute : ValidationAttribute
{
    public PlainTextAttribute()
        : base(PlainText.ControlCharacterMessage)
    {
    }

    public override bool IsValid(object? value) => value is not string text || !PlainText.HasControlCharacter(text);
}
