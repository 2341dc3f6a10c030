using Microsoft.AspNetCore.Identity;

namespace BacklogPortal.Data.Demo;

/// <summary>
/// The demo data of the SPEC contract: three sign-ins, six customers and several hundred open
/// backorder and pre-order lines relative to today, some overdue and some with an ETA history.
/// Deterministic (fixed random seed) and idempotent: a restart adds nothing.
/// </summary>
public sealed class DemoDataSeeder(
    PortalDbContext db,
    UserManager<ApplicationUser> users,
    RoleManager<IdentityRole> roles,
    TimeProvider clock,
    ILogger<DemoDataSeeder> logger)
{
    public const string Password = "Demo-Passw0rd!";
    public const string StaffEmail = "staff@example.com";
    public const string AliceEmail = "alice@example.com";
    public const string BobEmail = "bob@example.com";
    public const string ApiClientName = "demo-erp";
    public const string ApiKey = "demo-erp-key-0000000000000000";

    // Customers without portal users of their own get a purchasing mailbox, so every demo ETA change
    // reaches someone (Fabrikam's in German; Contoso, bob's customer, reads the portal and its emails in German too).
    private static readonly (string Number, string Name, string Culture, string TimeZone, int Orders, string? Mailbox)[] DemoCustomers =
    [
        ("C-1001", "Northwind Traders", "en-US", "America/New_York", 38, null),
        ("C-1002", "Contoso Retail", "de-DE", "Europe/Berlin", 30, null),
        ("C-1003", "Fabrikam Handel GmbH", "de-DE", "Europe/Berlin", 18, "einkauf@fabrikam.example"),
        ("C-1004", "Adventure Works Cycles", "en-US", "America/Los_Angeles", 16, "purchasing@adventure-works.example"),
        ("C-1005", "Tailspin Toys", "en-US", "America/Chicago", 14, "orders@tailspin.example"),
        ("C-1006", "Wide World Importers", "en-US", "America/New_York", 12, "buying@wideworld.example"),
    ];

    // SKU, name, unit price, days until release (null: released, so lines are backorders).
    private static readonly (string Sku, string Name, decimal Price, int? ReleaseInDays)[] DemoProducts =
    [
        ("KB-MX-210", "Mechanical Keyboard MX 210", 89.00m, null),
        ("MS-ERG-05", "Ergonomic Mouse E5", 39.50m, null),
        ("MON-27Q-IPS", "27\" QHD IPS Monitor", 329.00m, null),
        ("MON-34UW", "34\" Ultrawide Monitor", 549.00m, null),
        ("DCK-USBC-12", "USB-C Docking Station 12-in-1", 179.00m, null),
        ("HS-ANC-700", "Noise-Cancelling Headset 700", 249.00m, null),
        ("CAM-4K-PRO", "4K Conference Camera Pro", 399.00m, null),
        ("CHR-ERGO-X", "Ergonomic Office Chair X", 689.00m, null),
        ("DSK-SIT-160", "Sit-Stand Desk 160 cm", 749.00m, null),
        ("SSD-NVME-2T", "NVMe SSD 2 TB", 159.00m, null),
        ("RAM-DDR5-32", "DDR5 Memory Kit 32 GB", 119.00m, null),
        ("PSU-850-GLD", "850 W Power Supply Gold", 129.00m, null),
        ("RTR-WIFI7", "Wi-Fi 7 Router", 299.00m, null),
        ("SW-POE-24", "24-Port PoE Switch", 459.00m, null),
        ("UPS-1500", "UPS 1500 VA", 219.00m, null),
        ("PRN-LSR-C4", "Colour Laser Printer C4", 389.00m, null),
        ("TON-C4-BLK", "Toner Cartridge C4 Black", 74.00m, null),
        ("LBL-62MM", "Label Roll 62 mm (12 pack)", 24.90m, null),
        ("CBL-HDMI-2", "HDMI 2.1 Cable 2 m", 14.90m, null),
        ("ADP-USBC-ETH", "USB-C to Ethernet Adapter", 22.00m, null),
        ("TAB-11-PRO", "Tablet 11 Pro (2027)", 899.00m, 45),
        ("PHN-X9", "Smartphone X9", 1099.00m, 20),
        ("LAP-14-ULTRA", "Laptop 14 Ultra Gen 3", 1499.00m, 70),
        ("WCH-S3", "Smartwatch Series 3", 349.00m, 12),
        ("CON-NEXT", "Game Console Next", 499.00m, 110),
        ("VR-HMD-2", "VR Headset 2", 649.00m, 35),
        ("SPK-HOME-MAX", "Home Speaker Max", 279.00m, 28),
        ("EBK-READER-7", "E-Book Reader 7\"", 149.00m, 55),
    ];

    private static readonly EtaReasonCode[] DelayReasons =
        [EtaReasonCode.SupplierDelay, EtaReasonCode.Production, EtaReasonCode.Transport, EtaReasonCode.SupplierDelay];

    private static readonly string[] DelayTexts =
    [
        "Supplier shipment rescheduled",
        "Container held at port",
        "Production run moved by the factory",
        "Component shortage at the supplier",
        "Carrier capacity shortage",
    ];

    public async Task SeedAsync(CancellationToken cancellationToken = default)
    {
        foreach (var role in Roles.All)
        {
            if (!await roles.RoleExistsAsync(role))
            {
                Check(await roles.CreateAsync(new IdentityRole(role)), $"role {role}");
            }
        }

        if (!await db.Customers.AnyAsync(c => c.Number == DemoCustomers[0].Number, cancellationToken))
        {
            await SeedBacklogAsync(cancellationToken);
        }

        var northwind = await db.Customers.SingleAsync(c => c.Number == "C-1001", cancellationToken);
        var contoso = await db.Customers.SingleAsync(c => c.Number == "C-1002", cancellationToken);
        await EnsureUserAsync(StaffEmail, "Sam Staff", null, Roles.Staff, Roles.Admin);
        await EnsureUserAsync(AliceEmail, "Alice Andersen", northwind.Id, Roles.Customer);
        await EnsureUserAsync(BobEmail, "Bob Brown", contoso.Id, Roles.Customer);

        if (!await db.ApiClients.AnyAsync(c => c.Name == ApiClientName, cancellationToken))
        {
            db.ApiClients.Add(new ApiClient { Name = ApiClientName, KeyHash = ApiKeys.Hash(ApiKey), CreatedAt = clock.GetUtcNow() });
            await db.SaveChangesAsync(cancellationToken);
        }
    }

    private async Task EnsureUserAsync(string email, string displayName, int? customerId, params string[] userRoles)
    {
        if (await users.FindByEmailAsync(email) is not null)
        {
            return;
        }
        var user = ApplicationUser.WithConfirmedEmail(email, displayName, customerId);
        Check(await users.CreateAsync(user, Password), email);
        Check(await users.AddToRolesAsync(user, userRoles), email);
        logger.LogInformation("Demo user {Email} created", email);
    }

    private async Task SeedBacklogAsync(CancellationToken cancellationToken)
    {
        var random = new Random(20261126);
        var now = clock.GetUtcNow();
        var today = DateOnly.FromDateTime(now.UtcDateTime);

        var products = DemoProducts.Select(p => new Product
        {
            Sku = p.Sku,
            Name = p.Name,
            UnitPrice = p.Price,
            ReleaseDate = p.ReleaseInDays is { } days ? today.AddDays(days) : null,
        }).ToList();
        db.Products.AddRange(products);

        var orderNumber = 500100;
        foreach (var (number, name, culture, timeZone, orderCount, mailbox) in DemoCustomers)
        {
            var customer = new Customer { Number = number, Name = name, Culture = culture, TimeZoneId = timeZone, NotificationEmail = mailbox };
            db.Customers.Add(customer);
            await db.SaveChangesAsync(cancellationToken);
            for (var o = 0; o < orderCount; o++)
            {
                var order = new Order
                {
                    OrderNumber = $"SO-{orderNumber++}",
                    CustomerId = customer.Id,
                    OrderDate = today.AddDays(-random.Next(1, 120)),
                };
                var lineCount = random.Next(2, 7);
                foreach (var product in products.OrderBy(_ => random.Next()).Take(lineCount))
                {
                    order.Lines.Add(CreateLine(random, order, product, order.Lines.Count + 1, today, now));
                }
                db.Orders.Add(order);
            }
        }

        await db.SaveChangesAsync(cancellationToken);
        logger.LogInformation("Demo backlog seeded: {Lines} lines", await db.OrderLines.CountAsync(cancellationToken));
    }

    private static OrderLine CreateLine(Random random, Order order, Product product, int lineNumber, DateOnly today, DateTimeOffset now)
    {
        var isPreOrder = product.ReleaseDate is not null;
        var quantity = random.Next(1, 5) * (product.UnitPrice < 50 ? 10 : 1);
        // Some backorders are overdue: the promised date passed and nobody has set a new one yet.
        var overdue = !isPreOrder && today.DayNumber - order.OrderDate.DayNumber > 20 && random.NextDouble() < 0.15;
        var promised = isPreOrder ? product.ReleaseDate!.Value
            : overdue ? today.AddDays(-random.Next(1, 15))
            : Later(order.OrderDate.AddDays(random.Next(7, 35)), today.AddDays(random.Next(3, 45)));
        var line = new OrderLine
        {
            Order = order,
            CustomerId = order.CustomerId,
            LineNumber = lineNumber,
            Product = product,
            Kind = isPreOrder ? BacklogKind.PreOrder : BacklogKind.Backorder,
            QuantityOrdered = quantity,
            UnitPrice = product.UnitPrice,
            PromisedDate = promised,
            Eta = promised,
        };

        // Roughly a third of the lines moved, once or several times, mostly later.
        var moves = !overdue && random.NextDouble() < 0.35 ? random.Next(1, 4) : 0;
        var changedAt = now.AddDays(-Math.Min(today.DayNumber - order.OrderDate.DayNumber, 60));
        for (var m = 0; m < moves; m++)
        {
            var oldEta = line.Eta;
            DateOnly? newEta = random.NextDouble() < 0.08
                ? null
                : (oldEta ?? promised).AddDays(random.NextDouble() < 0.15 ? -random.Next(2, 8) : random.Next(5, 30));
            changedAt = changedAt.AddDays(random.Next(1, 10));
            var earlier = newEta < oldEta;
            line.EtaChanges.Add(new EtaChange
            {
                OrderLine = line,
                CustomerId = line.CustomerId,
                OldEta = oldEta,
                NewEta = newEta,
                ReasonCode = earlier ? EtaReasonCode.StockArrivedEarly
                    : isPreOrder ? EtaReasonCode.ReleaseDateMoved
                    : DelayReasons[random.Next(DelayReasons.Length)],
                ReasonText = earlier ? "Stock arrived earlier than planned" : DelayTexts[random.Next(DelayTexts.Length)],
                Source = ChangeSource.Staff,
                ChangedBy = StaffEmail,
                // In time order, as every write path stamps them (the dashboard's trend relies on it): moves
                // that would fall after now are spread over the minutes before it.
                ChangedAt = changedAt < now ? changedAt : now.AddMinutes(m - moves),
            });
            // The same FTC consent rule as every real ETA change.
            line.ConsentRequired = DelayConsent.RequiredAfter(newEta).Compile()(line);
            line.Eta = newEta;
            line.EtaChangeCount++;
        }

        // Partial shipments on some backorders with larger quantities.
        if (!isPreOrder && line.QuantityOrdered >= 10 && random.NextDouble() < 0.3)
        {
            line.QuantityShipped = line.QuantityOrdered / 2;
            line.Status = LineStatus.PartiallyShipped;
        }

        return line;
    }

    private static DateOnly Later(DateOnly a, DateOnly b) => a > b ? a : b;

    private static void Check(IdentityResult result, string what)
    {
        if (!result.Succeeded)
        {
            throw new InvalidOperationException($"Demo seeding failed for {what}: {string.Join("; ", result.Errors.Select(e => e.Description))}");
        }
    }
}
