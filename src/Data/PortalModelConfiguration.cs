using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BacklogPortal.Data;

internal sealed class ApplicationUserConfiguration : IEntityTypeConfiguration<ApplicationUser>
{
    public void Configure(EntityTypeBuilder<ApplicationUser> user)
    {
        user.HasOne(u => u.Customer).WithMany().HasForeignKey(u => u.CustomerId).OnDelete(DeleteBehavior.Restrict);
        // The feed looks a user up by the hash of the token in its URL.
        user.HasIndex(u => u.CalendarFeedTokenHash).IsUnique();
    }
}

internal sealed class NotificationRecipientConfiguration : IEntityTypeConfiguration<NotificationRecipient>
{
    public void Configure(EntityTypeBuilder<NotificationRecipient> recipient)
    {
        recipient.HasOne<Customer>().WithMany(c => c.NotificationRecipients).HasForeignKey(r => r.CustomerId).OnDelete(DeleteBehavior.Cascade);
        // The confirmation link finds its recipient by the hash of the token in its URL.
        recipient.HasIndex(r => r.ConfirmationTokenHash).IsUnique();
    }
}

internal sealed class OrderConfiguration : IEntityTypeConfiguration<Order>
{
    public void Configure(EntityTypeBuilder<Order> order)
    {
        order.HasIndex(o => o.CustomerId);
        order.HasOne(o => o.Customer).WithMany(c => c.Orders).HasForeignKey(o => o.CustomerId).OnDelete(DeleteBehavior.Restrict);
        // Keeps the dashboard's figures by order date (decision 016); EF must know, for SQL Server's OUTPUT clause.
        order.ToTable(t => t.HasTrigger("TR_Orders_BacklogFigures"));
    }
}

internal sealed class OrderLineConfiguration : IEntityTypeConfiguration<OrderLine>
{
    public void Configure(EntityTypeBuilder<OrderLine> line)
    {
        line.HasOne(l => l.Order).WithMany(o => o.Lines).HasForeignKey(l => l.OrderId).OnDelete(DeleteBehavior.Cascade);
        line.HasOne(l => l.Product).WithMany().HasForeignKey(l => l.ProductId).OnDelete(DeleteBehavior.Restrict);
        line.HasOne<Customer>().WithMany().HasForeignKey(l => l.CustomerId).OnDelete(DeleteBehavior.Restrict);

        // The customer backlog: one customer's open lines, by ETA (the default sort).
        line.HasIndex(l => new { l.CustomerId, l.Status, l.Eta });
        // Bulk ETA changes and demand per SKU: every open line of one product.
        line.HasIndex(l => new { l.ProductId, l.Status });
        // Overdue lines across all customers: the overdue reminders and the overdue filter of /staff/lines
        // (the dashboard reads its overdue count from the running totals, decision 016).
        line.HasIndex(l => new { l.Status, l.Eta });
        // Staff dashboard: the customers' answers of the last days (covering: no line is read).
        line.HasIndex(l => new { l.CustomerRespondedAt, l.CustomerResponse });

        line.Property(l => l.Version).IsConcurrencyToken();
        line.Ignore(l => l.QuantityOpen);
        line.Ignore(l => l.SlipDays);
        // Keeps the dashboard's figures (decision 016); EF must know, for SQL Server's OUTPUT clause.
        line.ToTable(t => t.HasTrigger("TR_OrderLines_BacklogFigures"));
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
        change.HasIndex(c => c.BatchId);
        // Staff dashboard: the changes of the last days, by source, and the lines they touched (covering).
        change.HasIndex(c => new { c.ChangedAt, c.Source, c.OrderLineId });
        // Keeps the dashboard's slippage trend (decision 016); EF must know, for SQL Server's OUTPUT clause.
        change.ToTable(t => t.HasTrigger("TR_EtaChanges_BacklogFigures"));
    }
}

internal sealed class NotificationOutboxEntryConfiguration : IEntityTypeConfiguration<NotificationOutboxEntry>
{
    public void Configure(EntityTypeBuilder<NotificationOutboxEntry> entry)
    {
        entry.ToTable("NotificationOutbox");
        // The composer's scan: unprocessed entries, oldest first, grouped per customer.
        entry.HasIndex(e => new { e.ProcessedAt, e.CustomerId, e.CreatedAt });
        entry.HasIndex(e => e.NotificationId);
        // At most one overdue reminder per line and passed ETA, even with several instances scanning at once.
        entry.HasIndex(e => new { e.OrderLineId, e.Eta })
            .IsUnique()
            .HasFilter("\"Kind\" = 1")
            .HasDatabaseName("IX_NotificationOutbox_OverdueReminder");
        entry.HasOne<Notification>().WithMany().HasForeignKey(e => e.NotificationId).OnDelete(DeleteBehavior.SetNull);
        entry.HasOne(e => e.EtaChange).WithMany().HasForeignKey(e => e.EtaChangeId).OnDelete(DeleteBehavior.SetNull);
        // No action: records are never deleted, and SQL Server refuses a second cascading path from OrderLines to the outbox.
        entry.HasOne(e => e.LineShipment).WithMany().HasForeignKey(e => e.LineShipmentId).OnDelete(DeleteBehavior.NoAction);
        entry.HasOne(e => e.LineCancellation).WithMany().HasForeignKey(e => e.LineCancellationId).OnDelete(DeleteBehavior.NoAction);
    }
}

internal sealed class NotificationConfiguration : IEntityTypeConfiguration<Notification>
{
    public void Configure(EntityTypeBuilder<Notification> notification)
    {
        // The dispatcher's claim: due messages not under a live lease.
        notification.HasIndex(n => new { n.Status, n.NextAttemptAt });
        notification.HasIndex(n => new { n.CustomerId, n.CreatedAt });
        notification.HasOne<Customer>().WithMany().HasForeignKey(n => n.CustomerId).OnDelete(DeleteBehavior.Restrict);
        notification.HasOne(n => n.Body).WithOne().HasForeignKey<NotificationBody>(b => b.NotificationId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class NotificationBodyConfiguration : IEntityTypeConfiguration<NotificationBody>
{
    public void Configure(EntityTypeBuilder<NotificationBody> body)
    {
        body.ToTable("NotificationBodies");
        body.HasKey(b => b.NotificationId);
        body.Property(b => b.NotificationId).ValueGeneratedNever();
    }
}

internal sealed class CustomerAnswerConfiguration : IEntityTypeConfiguration<CustomerAnswer>
{
    public void Configure(EntityTypeBuilder<CustomerAnswer> answer)
    {
        // The history drawer: one line's answers in order.
        answer.HasIndex(a => new { a.OrderLineId, a.AnsweredAt });
        answer.HasOne(a => a.OrderLine).WithMany().HasForeignKey(a => a.OrderLineId).OnDelete(DeleteBehavior.Cascade);
        answer.HasOne<Customer>().WithMany().HasForeignKey(a => a.CustomerId).OnDelete(DeleteBehavior.Restrict);
        answer.HasOne<Notification>().WithMany().HasForeignKey(a => a.ConfirmationNotificationId).OnDelete(DeleteBehavior.SetNull);
    }
}

internal sealed class ApiClientConfiguration : IEntityTypeConfiguration<ApiClient>
{
    public void Configure(EntityTypeBuilder<ApiClient> client)
    {
        // Authentication finds the client by the hash of the key in the X-Api-Key header.
        client.HasIndex(c => c.KeyHash).IsUnique();
    }
}

internal sealed class LineShipmentConfiguration : IEntityTypeConfiguration<LineShipment>
{
    public void Configure(EntityTypeBuilder<LineShipment> shipment)
    {
        shipment.HasOne(s => s.OrderLine).WithMany().HasForeignKey(s => s.OrderLineId).OnDelete(DeleteBehavior.Cascade);
        shipment.HasIndex(s => s.OrderLineId);
        shipment.HasIndex(s => new { s.CustomerId, s.RecordedAt });
    }
}

internal sealed class LineCancellationConfiguration : IEntityTypeConfiguration<LineCancellation>
{
    public void Configure(EntityTypeBuilder<LineCancellation> cancellation)
    {
        cancellation.HasOne(c => c.OrderLine).WithMany().HasForeignKey(c => c.OrderLineId).OnDelete(DeleteBehavior.Cascade);
        cancellation.HasIndex(c => c.OrderLineId);
    }
}

internal sealed class IntegrationEventConfiguration : IEntityTypeConfiguration<IntegrationEvent>
{
    public void Configure(EntityTypeBuilder<IntegrationEvent> feed)
    {
        // The sequence is assigned by the writer under the write lock (gap-free, commit order), never by the database.
        feed.HasKey(e => e.Sequence);
        feed.Property(e => e.Sequence).ValueGeneratedNever();
    }
}

internal sealed class IdempotencyRecordConfiguration : IEntityTypeConfiguration<IdempotencyRecord>
{
    public void Configure(EntityTypeBuilder<IdempotencyRecord> record)
    {
        record.HasIndex(r => r.CreatedAt);
        record.HasOne<ApiClient>().WithMany().HasForeignKey(r => r.ApiClientId).OnDelete(DeleteBehavior.Cascade);
    }
}
