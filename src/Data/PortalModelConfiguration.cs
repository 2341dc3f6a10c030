using BacklogPortal.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BacklogPortal.Data;

internal sealed class ApplicationUserConfiguration : IEntityTypeConfiguration<ApplicationUser>
{
    public void Configure(EntityTypeBuilder<ApplicationUser> user)
    {
        user.Property(u => u.DisplayName).HasMaxLength(200);
        user.HasOne(u => u.Customer).WithMany().HasForeignKey(u => u.CustomerId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class CustomerConfiguration : IEntityTypeConfiguration<Customer>
{
    public void Configure(EntityTypeBuilder<Customer> customer)
    {
        customer.Property(c => c.Number).HasMaxLength(40);
        customer.HasIndex(c => c.Number).IsUnique();
        customer.Property(c => c.Name).HasMaxLength(200);
        customer.Property(c => c.NotificationEmail).HasMaxLength(256);
        customer.Property(c => c.Culture).HasMaxLength(20);
        customer.Property(c => c.TimeZoneId).HasMaxLength(64);
    }
}

internal sealed class ProductConfiguration : IEntityTypeConfiguration<Product>
{
    public void Configure(EntityTypeBuilder<Product> product)
    {
        product.Property(p => p.Sku).HasMaxLength(64);
        product.HasIndex(p => p.Sku).IsUnique();
        product.Property(p => p.Name).HasMaxLength(200);
        product.Property(p => p.UnitPrice).HasPrecision(18, 2);
    }
}

internal sealed class OrderConfiguration : IEntityTypeConfiguration<Order>
{
    public void Configure(EntityTypeBuilder<Order> order)
    {
        order.Property(o => o.OrderNumber).HasMaxLength(40);
        order.HasIndex(o => o.OrderNumber).IsUnique();
        order.HasIndex(o => o.CustomerId);
        order.HasOne(o => o.Customer).WithMany(c => c.Orders).HasForeignKey(o => o.CustomerId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class OrderLineConfiguration : IEntityTypeConfiguration<OrderLine>
{
    public void Configure(EntityTypeBuilder<OrderLine> line)
    {
        line.HasOne(l => l.Order).WithMany(o => o.Lines).HasForeignKey(l => l.OrderId).OnDelete(DeleteBehavior.Cascade);
        line.HasOne(l => l.Product).WithMany().HasForeignKey(l => l.ProductId).OnDelete(DeleteBehavior.Restrict);
        line.HasOne<Customer>().WithMany().HasForeignKey(l => l.CustomerId).OnDelete(DeleteBehavior.Restrict);
        line.HasIndex(l => new { l.OrderId, l.LineNumber }).IsUnique();

        // The customer backlog: one customer's open lines, by ETA (the default sort).
        line.HasIndex(l => new { l.CustomerId, l.Status, l.Eta });
        // Bulk ETA changes and demand per SKU: every open line of one product.
        line.HasIndex(l => new { l.ProductId, l.Status });
        // Staff dashboard: overdue lines across all customers.
        line.HasIndex(l => new { l.Status, l.Eta });
        // Staff dashboard: the customers' answers of the last days.
        line.HasIndex(l => l.CustomerRespondedAt);

        line.Property(l => l.UnitPrice).HasPrecision(18, 2);
        line.Property(l => l.CustomerRespondedBy).HasMaxLength(256);
        line.Property(l => l.Version).IsConcurrencyToken();
        line.Ignore(l => l.QuantityOpen);
        line.Ignore(l => l.SlipDays);
        line.ToTable(t => t.HasCheckConstraint("CK_OrderLines_Quantities",
            "\"QuantityShipped\" >= 0 AND \"QuantityCancelled\" >= 0 AND \"QuantityShipped\" + \"QuantityCancelled\" <= \"QuantityOrdered\""));
    }
}

internal sealed class EtaChangeConfiguration : IEntityTypeConfiguration<EtaChange>
{
    public void Configure(EntityTypeBuilder<EtaChange> change)
    {
        change.HasOne(c => c.OrderLine).WithMany(l => l.EtaChanges).HasForeignKey(c => c.OrderLineId).OnDelete(DeleteBehavior.Cascade);
        change.HasIndex(c => new { c.OrderLineId, c.ChangedAt });
        change.HasIndex(c => new { c.CustomerId, c.ChangedAt });
        change.Property(c => c.ReasonText).HasMaxLength(500);
        change.Property(c => c.ChangedBy).HasMaxLength(256);
        change.HasIndex(c => c.BatchId);
        // Staff dashboard: the changes of the last days and weeks, by source.
        change.HasIndex(c => new { c.ChangedAt, c.Source });
    }
}

internal sealed class NotificationOutboxEntryConfiguration : IEntityTypeConfiguration<NotificationOutboxEntry>
{
    public void Configure(EntityTypeBuilder<NotificationOutboxEntry> entry)
    {
        entry.ToTable("NotificationOutbox");
        // The dispatcher's scan: unprocessed entries, oldest first, grouped per customer.
        entry.HasIndex(e => new { e.ProcessedAt, e.CustomerId, e.CreatedAt });
        entry.HasIndex(e => e.NotificationId);
        // At most one overdue reminder per line and passed ETA, even with several instances scanning at once.
        entry.HasIndex(e => new { e.OrderLineId, e.Eta })
            .IsUnique()
            .HasFilter("\"Kind\" = 1")
            .HasDatabaseName("IX_NotificationOutbox_OverdueReminder");
        entry.HasOne<Notification>().WithMany().HasForeignKey(e => e.NotificationId).OnDelete(DeleteBehavior.SetNull);
        entry.HasOne(e => e.EtaChange).WithMany().HasForeignKey(e => e.EtaChangeId).OnDelete(DeleteBehavior.SetNull);
    }
}

internal sealed class NotificationConfiguration : IEntityTypeConfiguration<Notification>
{
    public void Configure(EntityTypeBuilder<Notification> notification)
    {
        // Several addresses when the customer's users receive the notice (comma-separated).
        notification.Property(n => n.ToAddress).HasMaxLength(2000);
        notification.Property(n => n.Subject).HasMaxLength(400);
        notification.Property(n => n.LeaseOwner).HasMaxLength(100);
        notification.Property(n => n.LastError).HasMaxLength(2000);
        notification.Property(n => n.MessageId).HasMaxLength(200);
        // The dispatcher's claim: due messages not under a live lease.
        notification.HasIndex(n => new { n.Status, n.NextAttemptAt });
        notification.HasIndex(n => new { n.CustomerId, n.CreatedAt });
        notification.HasOne<Customer>().WithMany().HasForeignKey(n => n.CustomerId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class ApiClientConfiguration : IEntityTypeConfiguration<ApiClient>
{
    public void Configure(EntityTypeBuilder<ApiClient> client)
    {
        client.Property(c => c.Name).HasMaxLength(100);
        client.HasIndex(c => c.Name).IsUnique();
        client.Property(c => c.KeyHash).HasMaxLength(64);
        client.HasIndex(c => c.KeyHash).IsUnique();
    }
}
