namespace BacklogPortal.Domain;

public class Product
{
    public int Id { get; set; }

    public required string Sku { get; set; }

    public required string Name { get; set; }

    /// <summary>For pre-order products: the day the product is released. Null for released products.</summary>
    public DateOnly? ReleaseDate { get; set; }

    public decimal UnitPrice { get; set; }
}
