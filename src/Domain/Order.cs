namespace BacklogPortal.Domain;

[Index(nameof(OrderNumber), IsUnique = true)]
public class Order
{
    public const int MaxOrderNumberLength = 40;

    public int Id { get; set; }

    /// <summary>The ERP's order number, shown to customers and used in routes (/orders/{orderNumber}).</summary>
    [MaxLength(MaxOrderNumberLength)]
    public required string OrderNumber { get; set; }

    public int CustomerId { get; set; }

    public Customer? Customer { get; set; }

    public DateOnly OrderDate { get; set; }

    public List<OrderLine> Lines { get; set; } = [];
}
