using Microsoft.AspNetCore.Identity;

namespace BacklogPortal.Components.Account;

/// <summary>The password policy in words, from the same options Identity validates with.</summary>
internal static class PasswordRules
{
    public static string Describe(PasswordOptions options)
    {
        var needs = new List<string>();
        if (options.RequireUppercase && options.RequireLowercase)
        {
            needs.Add("upper- and lower-case letters");
        }
        else if (options.RequireUppercase)
        {
            needs.Add("an upper-case letter");
        }
        else if (options.RequireLowercase)
        {
            needs.Add("a lower-case letter");
        }
        if (options.RequireDigit)
        {
            needs.Add("a digit");
        }
        if (options.RequireNonAlphanumeric)
        {
            needs.Add("a symbol such as ! or #");
        }
        var length = $"At least {options.RequiredLength} characters";
        return needs.Count switch
        {
            0 => length + ".",
            1 => $"{length}, with {needs[0]}.",
            _ => $"{length}, with {string.Join(", ", needs[..^1])} and {needs[^1]}.",
        };
    }
}
