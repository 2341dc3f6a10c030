using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;

namespace BacklogPortal.Data;

/// <summary>
/// The one model of the portal. Each database provider has a sealed subclass with its own
/// migrations (see docs/decisions/002-two-providers-two-migration-sets.md); the app and the
/// features only ever see this type.
/// </summary>
public abstract class PortalDbContext(DbContextOptions options)
    : IdentityDbContext<ApplicationUser>(options), IDataProtectionKeyContext
{
    public DbSet<Customer> Customers => Set<Customer>();
    public DbSet<Product> Products => Set<Product>();
    public DbSet<Order> Orders => Set<Order>();
    public DbSet<OrderLine> OrderLines => Set<OrderLine>();
    public DbSet<EtaChange> EtaChanges => Set<EtaChange>();
    public DbSet<NotificationOutboxEntry> NotificationOutbox => Set<NotificationOutboxEntry>();
    public DbSet<Notification> Notifications => Set<Notification>();
    public DbSet<NotificationBody> NotificationBodies => Set<NotificationBody>();
    public DbSet<CustomerAnswer> CustomerAnswers => Set<CustomerAnswer>();
    public DbSet<NotificationRecipient> NotificationRecipients => Set<NotificationRecipient>();
    public DbSet<ApiClient> ApiClients => Set<ApiClient>();
    public DbSet<LineShipment> LineShipments => Set<LineShipment>();
    public DbSet<LineCancellation> LineCancellations => Set<LineCancellation>();
    public DbSet<IntegrationEvent> IntegrationEvents => Set<IntegrationEvent>();
    public DbSet<IdempotencyRecord> IdempotencyRecords => Set<IdempotencyRecord>();
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(PortalDbContext).Assembly);
    }

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        BumpLineVersions();
        return base.SaveChanges(acceptAllChangesOnSuccess);
    }

    public override Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        BumpLineVersions();
        return base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
    }

    // Every tracked update of a line moves its concurrency token, so a second writer holding the
    // old version gets a DbUpdateConcurrencyException instead of silently overwriting.
    private void BumpLineVersions()
    {
        foreach (var entry in ChangeTracker.Entries<OrderLine>())
        {
            if (entry.State == EntityState.Modified)
            {
                entry.Entity.Version++;
            }
        }
    }
}
