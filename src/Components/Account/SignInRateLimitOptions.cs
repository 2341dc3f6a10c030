namespace BacklogPortal.Components.Account;

public sealed class SignInRateLimitOptions
{
    public const string SectionName = "Identity:SignInRateLimit";

    /// <summary>Sign-in form posts allowed per client address and window.</summary>
    [System.ComponentModel.DataAnnotations.Range(1, 10_000)]
    public int PermitLimit { get; set; } = 10;

    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);
}
