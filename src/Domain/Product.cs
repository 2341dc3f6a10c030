namespace BacklogPortal.Domain;

[Index(nameof(Sku), IsUnique = true)]
public class Product
{
    public const int MaxSkuLength = 64;
    public const int MaxNameLength = 200;

    public int Id { get; set; }

    [MaxLength(MaxSkuLength)]
    public required string Sku { get; set; }

    [MaxLength(MaxNameLength)]
    public required string Name { get; set; }

    /// <summary>For pre-order products: the day the product is released. Null for released products.</summary>
    public DateOnly? ReleaseDate { get; set; }

    [Precision(18, 2)]
    public decimal UnitPrice { get; set; }
}
