namespace BacklogPortal.Components.Account;

/// <summary>The authorization policies pages and endpoints name.</summary>
public static class Policies
{
    public const string Customer = "Customer";
    public const string Staff = "Staff";
    public const string Admin = "Admin";
}
