using BacklogPortal.Data;
using BacklogPortal.Domain;
using Microsoft.EntityFrameworkCore;

namespace BacklogPortal.Tests.Data;

/// <summary>
/// Decision 018: a column's length is declared on the entity's property, a natural key on the entity's class. A text
/// column of ours without a length is <c>nvarchar(max)</c> on SQL Server (no index, no limit the forms can name), so
/// only the bodies of emails may be.
/// </summary>
public sealed class EntityDeclarationTests
{
    private static readonly HashSet<string> UnboundedOnPurpose =
    [
        $"{nameof(NotificationBody)}.{nameof(NotificationBody.HtmlBody)}",
        $"{nameof(NotificationBody)}.{nameof(NotificationBody.TextBody)}",
        $"{nameof(NotificationBody)}.{nameof(NotificationBody.CalendarIcs)}",
    ];

    [Fact]
    public void EveryTextColumnOfOursHasALength()
    {
        using var db = new SqlServerDesignTimeFactory().CreateDbContext([]);

        var ours = db.Model.GetEntityTypes()
            .SelectMany(entity => entity.GetProperties())
            .Where(property => property.ClrType == typeof(string)
                && property.PropertyInfo?.DeclaringType?.Namespace?.StartsWith("BacklogPortal", StringComparison.Ordinal) == true)
            .ToList();
        var unbounded = ours
            .Where(property => property.GetMaxLength() is null)
            .Select(property => $"{property.DeclaringType.ClrType.Name}.{property.Name}")
            .Where(name => !UnboundedOnPurpose.Contains(name))
            .ToList();

        Assert.True(ours.Count > 30, $"Only {ours.Count} text columns found: the model was not read.");
        Assert.True(unbounded.Count == 0, "Without [MaxLength]: " + string.Join(", ", unbounded));
    }

    [Fact]
    public void AColumnCopiedFromAnotherTableHasItsLength()
    {
        using var db = new SqlServerDesignTimeFactory().CreateDbContext([]);

        int? Length<T>(string property) => db.Model.FindEntityType(typeof(T))!.FindProperty(property)!.GetMaxLength();

        Assert.Equal(Length<Customer>(nameof(Customer.Number)), Length<IntegrationEvent>(nameof(IntegrationEvent.CustomerNumber)));
        Assert.Equal(Length<Order>(nameof(Order.OrderNumber)), Length<IntegrationEvent>(nameof(IntegrationEvent.OrderNumber)));
        Assert.Equal(Length<Product>(nameof(Product.Sku)), Length<IntegrationEvent>(nameof(IntegrationEvent.Sku)));
        Assert.Equal(Length<LineShipment>(nameof(LineShipment.Carrier)), Length<IntegrationEvent>(nameof(IntegrationEvent.Carrier)));
        Assert.Equal(Length<CustomerAnswer>(nameof(CustomerAnswer.AnsweredBy)), Length<OrderLine>(nameof(OrderLine.CustomerRespondedBy)));
    }

    [Fact]
    public void EveryNaturalKeyIsUnique()
    {
        using var db = new SqlServerDesignTimeFactory().CreateDbContext([]);

        bool IsUniqueOn<T>(params string[] properties) => db.Model.FindEntityType(typeof(T))!.GetIndexes()
            .Any(index => index.IsUnique && index.GetFilter() is null && index.Properties.Select(p => p.Name).SequenceEqual(properties));

        Assert.True(IsUniqueOn<Customer>(nameof(Customer.Number)));
        Assert.True(IsUniqueOn<Product>(nameof(Product.Sku)));
        Assert.True(IsUniqueOn<Order>(nameof(Order.OrderNumber)));
        Assert.True(IsUniqueOn<OrderLine>(nameof(OrderLine.OrderId), nameof(OrderLine.LineNumber)));
        Assert.True(IsUniqueOn<ApiClient>(nameof(ApiClient.Name)));
        Assert.True(IsUniqueOn<NotificationRecipient>(nameof(NotificationRecipient.CustomerId), nameof(NotificationRecipient.Email)));
        Assert.True(IsUniqueOn<IdempotencyRecord>(nameof(IdempotencyRecord.ApiClientId), nameof(IdempotencyRecord.Key)));
        Assert.False(IsUniqueOn<OrderLine>(nameof(OrderLine.LineNumber)), "A line number is unique within its order only.");
    }
}
