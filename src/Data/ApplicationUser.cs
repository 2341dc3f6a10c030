using BacklogPortal.Domain;
using Microsoft.AspNetCore.Identity;

namespace BacklogPortal.Data;

/// <summary>A person who signs in: a customer's buyer or a member of staff.</summary>
public class ApplicationUser : IdentityUser
{
    /// <summary>The customer account this user belongs to; null for staff.</summary>
    public int? CustomerId { get; set; }

    public Customer? Customer { get; set; }

    public string? DisplayName { get; set; }
}
