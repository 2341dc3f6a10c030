namespace BacklogPortal.Domain;

public class Order
{
    public int Id { get; set; }

    /// <summary>The ERP's order number, shown to customers and used in routes (/orders/{orderNumber}).</summary>
    public required string OrderNumber { get; set; }

    public int CustomerId { get; set; }

    public Customer? Customer { get; set; }

    public DateOnly OrderDate { get; set; }

    public List<OrderLine> Lines { get; set; } = [];
}
