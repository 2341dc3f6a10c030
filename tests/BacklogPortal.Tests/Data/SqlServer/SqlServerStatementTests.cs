using System.Net;
using System.Net.Http.Json;
using System.Reflection;
using System.Runtime.CompilerServices;
using BacklogPortal.Backlog;
using BacklogPortal.Data;
using BacklogPortal.Data.Demo;
using BacklogPortal.Domain;
using BacklogPortal.EtaChanges;
using BacklogPortal.Fulfilment;
using BacklogPortal.Import;
using BacklogPortal.Integration;
using BacklogPortal.Integration.ApiKeys;
using BacklogPortal.Notifications;
using BacklogPortal.Orders;
using BacklogPortal.Products;
using BacklogPortal.Staff.Dashboard;
using BacklogPortal.Staff.Lines;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Xunit.Abstractions;

namespace BacklogPortal.Tests.Data.SqlServer;

/// <summary>
/// Every statement the portal sends, rendered by the SQL Server provider and checked by Microsoft's T-SQL
/// parser — without a server: the real services run against <see cref="OfflineSqlServerPortal"/>, which
/// records each command instead of sending it.
/// </summary>
/// <remarks>
/// <para><b>Adding a service that talks to the database</b> (anything that takes an
/// <c>IDbContextFactory&lt;PortalDbContext&gt;</c> or a <c>PortalDbContext</c>, or injects one into a
/// component): add a <see cref="Scenario"/> to <see cref="Scenarios"/> that calls each of its public
/// methods the way the portal does, naming the type in <c>Covers</c>.
/// <see cref="EveryTypeThatTalksToTheDatabaseHasAScenario"/> finds such types by reflection and fails until
/// one exists. A scenario may set <see cref="OfflineSqlServer.Values"/> (column values of the made-up rows),
/// <see cref="OfflineSqlServer.QueryRows"/> and <see cref="OfflineSqlServer.RowsAffected"/> so that the code goes all the way, and should assert the
/// outcome that proves it did (e.g. <c>Changed</c>, not an early "not found").</para>
/// <para>The made-up rows answer by column name (from the statement's own select list), else by type:
/// keys are 1, other numbers 0 (open lines, pending emails), instants in 2020.</para>
/// </remarks>
public sealed class SqlServerStatementTests(ITestOutputHelper output)
{
    /// <summary>Set by .ci/run: where to write every captured statement, for a reviewer or a DBA to read.</summary>
    public const string StatementsFileVariable = "BACKLOGPORTAL_SQLSERVER_STATEMENTS";

    private static readonly DateOnly Today = DateOnly.FromDateTime(DateTime.UtcNow);
    private static readonly DateOnly NewEta = Today.AddDays(45);

    /// <summary>Types that reach the database only through code paths that are not the portal's own statements.</summary>
    private static readonly Dictionary<Type, string> NotCovered = new()
    {
        [typeof(SqliteEtaBatch)] = "SQLite only: the ETA write path uses it when its transaction holds SQLite's write lock to give the batch's connection a larger page cache (BacklogFiguresTests, EtaImportTests).",
        [typeof(SqliteLineChanges)] = "SQLite only: changes of selected lines written in groups while the group's transaction holds SQLite's write lock; on SQL Server each change takes the set-based path with its row locks (GroupCommitTests, DelayConsentTests, BacklogFiguresTests).",
    };

    /// <param name="Covers">The portal type whose statements this scenario sends; null for framework stores.</param>
    public sealed record Scenario(string Name, Type? Covers, Func<IServiceProvider, OfflineSqlServer, Task> Run);

    public static IReadOnlyList<Scenario> Scenarios() =>
    [
        // The ETA write path, every target: claim, (version check), customer count, audit, outbox, update.
        new("ETA change: one line", typeof(EtaChangeService), async (services, server) =>
        {
            server.Values["Version"] = 2L; // the editor saw 1; the claim made it 2
            var result = await services.GetRequiredService<EtaChangeService>().ChangeAsync(Request(EtaChangeTarget.ForLine(1, 1), NewEta));
            Assert.Equal(EtaChangeOutcome.Changed, result.Outcome);
        }),
        new("ETA change: selected lines", typeof(EtaChangeService), async (services, _) =>
        {
            var target = EtaChangeTarget.ForLines([new(1, 1), new(2, 1), new(3, 1)]);
            // Every made-up row is line 1: lines 2 and 3 read as gone, so this ends in the version check's conflict.
            var result = await services.GetRequiredService<EtaChangeService>().ChangeAsync(Request(target, NewEta));
            Assert.Equal(EtaChangeOutcome.Conflict, result.Outcome);
        }),
        new("ETA change: open lines of an order", typeof(EtaChangeService), async (services, _) =>
        {
            var eta = services.GetRequiredService<EtaChangeService>();
            Assert.Equal(1, (await eta.PreviewAsync(EtaChangeTarget.ForOrder("SO-1"), NewEta)).Lines);
            Assert.Equal(EtaChangeOutcome.Changed, (await eta.ChangeAsync(Request(EtaChangeTarget.ForOrder("SO-1"), NewEta))).Outcome);
        }),
        new("ETA change: open lines of a SKU, date known and unknown", typeof(EtaChangeService), async (services, _) =>
        {
            var eta = services.GetRequiredService<EtaChangeService>();
            Assert.Equal(1, (await eta.PreviewAsync(EtaChangeTarget.ForSku("SKU-1"), null)).Lines);
            Assert.Single((await eta.ImpactAsync(EtaChangeTarget.ForSku("SKU-1"), NewEta, 0, 10)).LineIds);
            Assert.Equal(EtaChangeOutcome.Changed, (await eta.ChangeAsync(Request(EtaChangeTarget.ForSku("SKU-1"), NewEta))).Outcome);
            Assert.Equal(EtaChangeOutcome.Changed, (await eta.ChangeAsync(Request(EtaChangeTarget.ForSku("SKU-1"), null))).Outcome);
        }),

        new("customer backlog: every sort, filter and search", typeof(CustomerBacklog), async (services, _) =>
        {
            var backlog = services.GetRequiredService<CustomerBacklog>();
            foreach (var sort in Enum.GetValues<BacklogSort>())
            {
                foreach (var descending in new[] { false, true })
                {
                    var page = await backlog.GetOpenLinesAsync(1, new BacklogView
                    {
                        Page = 1, Sort = sort, Descending = descending, Search = "50%_[x]", Kind = BacklogKind.PreOrder, OverdueOnly = true,
                    });
                    Assert.Single(page.Lines);
                    Assert.Single((await backlog.GetOpenLinesAsync(1, new BacklogView { Sort = sort, Descending = descending, AwaitingDecisionOnly = true })).Lines);
                }
            }
            await backlog.GetOpenLinesAsync(1, new BacklogView());
            Assert.Single(await backlog.GetLinesAsync(1, [1, 2]));
            Assert.NotNull(await backlog.GetCustomerNameAsync(1));
        }),
        new("live page updates: the change log since the last poll", typeof(BacklogPortal.Backlog.LineChangeFeed), async (services, _) =>
        {
            var feed = services.GetRequiredService<BacklogPortal.Backlog.LineChangeFeed>();
            await feed.PollOnceAsync(); // the position
            await feed.PollOnceAsync(); // what came after it, and ids skipped meanwhile
            await feed.PollOnceAsync();
        }),
        new("a customer's language and time zone for pages", typeof(BacklogPortal.Localization.CustomerLocales), async (services, _) =>
        {
            var locales = services.GetRequiredService<BacklogPortal.Localization.CustomerLocales>();
            locales.Forget(1);
            Assert.NotNull(await locales.GetAsync(1));
        }),
        new("staff lines: every sort and filter, lines by id, SKU and customer search", typeof(StaffBacklogQuery), async (services, _) =>
        {
            var query = services.GetRequiredService<StaffBacklogQuery>();
            foreach (var sort in Enum.GetValues<StaffLinesSort>())
            {
                foreach (var descending in new[] { false, true })
                {
                    var page = await query.GetLinesAsync(
                        new BacklogPortal.Staff.StaffLinesFilter { Customer = "C-1", Sku = "SKU", Order = "SO-1", Kind = BacklogKind.Backorder, Overdue = true, AwaitingDecision = true, Q = "north" },
                        new StaffLinesPaging(2, 50, sort, descending));
                    Assert.Single(page.Lines);
                }
            }
            await query.GetLinesAsync(new BacklogPortal.Staff.StaffLinesFilter(), new StaffLinesPaging());
            Assert.Single(await query.GetByIdsAsync([1]));
            Assert.Single(await query.SearchCustomersAsync("north"));
            Assert.Single(await query.SearchSkusAsync("SKU"));
            await query.SearchSkusAsync(null);
        }),
        new("staff: a line's history, the customer's view of an order", typeof(StaffLineHistory), async (services, _) =>
        {
            Assert.NotNull(await services.GetRequiredService<StaffLineHistory>().GetAsync(StaffAdmin, 1));
            await services.GetRequiredService<BacklogPortal.Staff.Orders.StaffOrderView>().GetAsync(StaffAdmin, "SO-1");
        }),
        new("staff: the customer's view of an order", typeof(BacklogPortal.Staff.Orders.StaffOrderView), async (services, _) =>
            await services.GetRequiredService<BacklogPortal.Staff.Orders.StaffOrderView>().GetAsync(StaffAdmin, "SO-1")),
        new("staff: the backlog per product", typeof(BacklogPortal.Staff.Products.StaffProductsQuery), async (services, _) =>
            Assert.NotEmpty(await services.GetRequiredService<BacklogPortal.Staff.Products.StaffProductsQuery>().GetAsync(StaffAdmin, "sku"))),
        new("administration: users waiting, linked users, customers by name or domain", typeof(BacklogPortal.Staff.Admin.UserAdministration), async (services, _) =>
        {
            var administration = services.GetRequiredService<BacklogPortal.Staff.Admin.UserAdministration>();
            await administration.UnlinkedUsersAsync(StaffAdmin);
            await administration.CustomerUsersAsync(StaffAdmin, "north");
            await administration.FindCustomersAsync(StaffAdmin, "example.com");
        }),
        new("order detail with ETA history", typeof(OrderDetails), async (services, server) =>
        {
            server.Values["TimeZoneId"] = "Europe/Berlin";
            var order = await services.GetRequiredService<OrderDetails>().GetAsync(1, "SO-1");
            Assert.NotNull(order);
        }),
        new("customer answers a delay: recorded, and refused with a reason", typeof(CustomerResponses), async (services, server) =>
        {
            var responses = services.GetRequiredService<CustomerResponses>();
            Assert.True((await responses.AcceptNewDateAsync(1, 1, 1, "alice@example.com")).IsRecorded);
            Assert.True((await responses.CancelOpenQuantityAsync(1, 1, 1, "alice@example.com")).IsRecorded);
            server.RowsAffected = 0; // nothing updated: the service reads the line again to say why
            Assert.False((await responses.AcceptNewDateAsync(1, 1, 1, "alice@example.com")).IsRecorded);
            Assert.False((await responses.CancelOpenQuantityAsync(1, 1, 1, "alice@example.com")).IsRecorded);
        }),

        new("shipments and cancellations: recorded, and refused with a reason", typeof(LineFulfilmentService), async (services, server) =>
        {
            server.Values["QuantityOrdered"] = 10;
            var fulfilment = services.GetRequiredService<LineFulfilmentService>();
            var shipment = new ShipmentRequest(1, null, 4, Today, "DHL", "JD0001", ChangeSource.Api, "erp");
            var cancellation = new CancellationRequest(1, 3, 2, "Customer asked", ChangeSource.Staff, "staff@example.com");
            Assert.Equal(FulfilmentOutcome.Recorded, (await fulfilment.RecordShipmentAsync(shipment)).Outcome);
            Assert.Equal(FulfilmentOutcome.Recorded, (await fulfilment.CancelOpenQuantityAsync(cancellation)).Outcome);
            server.RowsAffected = 0; // the guard matched nothing: the service reads the line again to say why
            Assert.Equal(FulfilmentOutcome.Conflict, (await fulfilment.CancelOpenQuantityAsync(cancellation)).Outcome);
        }),
        new("products: created, updated with a moved release date, preview", typeof(ProductCatalog), async (services, server) =>
        {
            var catalog = services.GetRequiredService<ProductCatalog>();
            server.QueryRows = sql => sql.Contains("FROM [Products]", StringComparison.Ordinal) ? 0 : 1;
            var created = await catalog.UpsertAsync(new ProductUpsert("SKU-2", "Widget", 9.5m, NewEta, ChangeSource.Api, "erp"));
            Assert.Equal(ProductUpsertOutcome.Created, created.Outcome);
            server.QueryRows = _ => 1;
            server.Values["ReleaseDate"] = Today.AddDays(10); // the stored release date, which the upsert moves
            Assert.Equal(1, (await catalog.PreviewReleaseDateMoveAsync("SKU-1", NewEta)).Lines);
            var moved = await catalog.UpsertAsync(new ProductUpsert("SKU-1", "Widget", 9.5m, NewEta, ChangeSource.Staff, "staff@example.com"));
            Assert.Equal(ProductUpsertOutcome.Updated, moved.Outcome);
            Assert.NotNull(moved.Moved);
        }),
        new("ERP orders: upsert with an updated and a new line, read back", typeof(ErpOrders), async (services, server) =>
        {
            // The stored order has line 1 (SKU-1, quantity 10, no promise, the ETA the ERP sends again); line 2 is new.
            server.Values["Sku"] = "SKU-1";
            server.Values["LineNumber"] = 1;
            server.Values["QuantityOrdered"] = 10;
            server.Values["PromisedDate"] = null;
            server.Values["Eta"] = NewEta;
            var orders = services.GetRequiredService<ErpOrders>();
            var body = new OrderBody("C-1", Today, [
                new OrderLineBody(1, "SKU-1", BacklogKind.Backorder, 12, null, null, NewEta),
                new OrderLineBody(2, "SKU-1", BacklogKind.Backorder, 5, 9.5m, Today.AddDays(30), NewEta),
            ]);
            var result = Assert.IsType<Ok<OrderUpsertResource>>(await orders.UpsertAsync("SO-1", body, "erp", CancellationToken.None));
            Assert.Equal(new OrderUpsertResource("SO-1", Created: false, LinesCreated: 1, LinesUpdated: 1, EtasChanged: 0), result.Value);
            Assert.NotNull(await orders.GetAsync("SO-1", CancellationToken.None));
        }),
        new("API keys: list, create, authenticate, revoke", typeof(ApiKeyService), async (services, server) =>
        {
            var keys = services.GetRequiredService<ApiKeyService>();
            Assert.Single(await keys.ListAsync());
            server.QueryRows = _ => 0; // no client of that name yet
            var (created, error) = await keys.CreateAsync("ERP");
            Assert.Null(error);
            Assert.NotNull(created);
            server.QueryRows = _ => 1;
            server.Values["KeyHash"] = BacklogPortal.Domain.ApiKeys.Hash(created.Key);
            Assert.NotNull(await keys.AuthenticateAsync(created.Key));
            Assert.True(await keys.RevokeAsync(1));
        }),
        new("ERP API over HTTP: an idempotent customer upsert, open lines, the events feed", typeof(IdempotencyMiddleware), async (services, server) =>
        {
            const string key = "bpk_statements";
            server.Values["KeyHash"] = BacklogPortal.Domain.ApiKeys.Hash(key);
            server.Values["Number"] = "C-1";
            server.Values["Culture"] = "en-US";
            server.Values["TimeZoneId"] = "UTC";
            // No stored response for the idempotency key yet: the request runs and its answer is stored.
            server.QueryRows = sql => sql.Contains("FROM [IdempotencyRecords]", StringComparison.Ordinal) ? 0 : 1;
            using var http = ((TestServer)services.GetRequiredService<IServer>()).CreateClient();
            http.DefaultRequestHeaders.Add(ApiKeyAuthenticationHandler.HeaderName, key);
            using var put = new HttpRequestMessage(HttpMethod.Put, "/api/v1/customers/C-1")
            {
                Content = JsonContent.Create(new CustomerBody("Northwind Traders", "purchasing@example.com", "de-DE", "Europe/Berlin")),
            };
            put.Headers.Add(IdempotencyMiddleware.HeaderName, "statements-1");
            using var upserted = await http.SendAsync(put);
            Assert.Equal(HttpStatusCode.OK, upserted.StatusCode);
            using var openLines = await http.GetAsync("/api/v1/customers/C-1/open-lines?limit=10");
            Assert.Equal(HttpStatusCode.OK, openLines.StatusCode);
            using var events = await http.GetAsync("/api/v1/events?after=0&limit=10");
            Assert.Equal(HttpStatusCode.OK, events.StatusCode);
        }),

        new("staff dashboard", typeof(StaffDashboardQuery), async (services, _) =>
            Assert.NotNull(await services.GetRequiredService<StaffDashboardQuery>().GetAsync())),
        new("ETA import: a file of lines and a file of SKUs, each checked, then applied as one batch", typeof(EtaImport), async (services, server) =>
        {
            // Order SO-1 has line 1; SKU-2 is product 1. In one file they would name the same line.
            server.Values["OrderNumber"] = "SO-1";
            server.Values["LineNumber"] = 1;
            server.Values["Sku"] = "SKU-2";
            var import = services.GetRequiredService<EtaImport>();
            foreach (var row in new[] { $"SO-1,1,,{NewEta:yyyy-MM-dd},transport,", $",,SKU-2,{NewEta:yyyy-MM-dd},supplierDelay,Ship delayed" })
            {
                var csv = System.Text.Encoding.UTF8.GetBytes($"order_number,line_number,sku,new_eta,reason_code,reason_text\n{row}\n");
                var check = await import.CheckAsync(csv, "etas.csv");
                Assert.True(check.IsValid, string.Join("; ", check.Problems));
                Assert.NotNull((await import.ApplyAsync(csv, "etas.csv", "staff@example.com")).Result);
            }
        }),
        new("overdue reminders", typeof(OverdueReminders), async (services, server) =>
        {
            server.Values["TimeZoneId"] = "UTC";
            Assert.Equal(1, await services.GetRequiredService<OverdueReminders>().ScanAsync());
        }),
        new("composer: one email for a customer's waiting changes", typeof(NotificationComposer), async (services, server) =>
        {
            AnswerLikeAWaitingCustomer(server);
            var composed = await services.GetRequiredService<NotificationComposer>().ComposeDueAsync();
            Assert.Equal(1, composed.Notifications);
        }),
        new("dispatcher: claim, send, record; next due", typeof(NotificationDispatcher), async (services, server) =>
        {
            AnswerLikeAWaitingCustomer(server);
            // The body as the composer stores it (an empty byte array, the fake's default, is no MIME entity).
            server.Values["MimeBody"] = BacklogPortal.Notifications.NotificationMessage.NewBody("<p>Neuer Termin</p>", "Neuer Termin").MimeBody;
            var dispatcher = services.GetRequiredService<NotificationDispatcher>();
            Assert.Equal(1, (await dispatcher.DispatchDueAsync()).Sent);
            await dispatcher.NextDueAtAsync();
            // A row stored before MimeBody existed: its parts are read by a statement of their own.
            server.Values["MimeBody"] = null;
            server.Values["HtmlBody"] = "<p>Neuer Termin</p>";
            server.Values["TextBody"] = "Neuer Termin";
            Assert.Equal(1, (await dispatcher.DispatchDueAsync()).Claimed);
        }),
        new("dispatcher: failures and give-backs recorded", typeof(OutcomeRecorder), async (services, _) =>
        {
            var clock = services.GetRequiredService<TimeProvider>();
            var claim = new Claim("instance", clock.GetUtcNow().AddMinutes(1));
            var recorder = new OutcomeRecorder(services.GetRequiredService<IDbContextFactory<PortalDbContext>>(), new object(), clock,
                services.GetRequiredService<ILogger<OutcomeRecorder>>(), connections: 1);
            recorder.Add(new Sent(1, clock.GetUtcNow()), claim);
            recorder.Add(new Failed(2, clock.GetUtcNow(), 3, Final: false, clock.GetUtcNow().AddMinutes(5), "451 try later"), claim);
            recorder.Add(new Failed(3, clock.GetUtcNow(), 1, Final: true, clock.GetUtcNow(), "550 no such user"), claim);
            recorder.Add(new Released(4, null), claim);
            recorder.Add(new Released(5, "SMTP server unavailable"), claim);
            await recorder.CompleteAsync();
        }),
        new("email queue: an account email stored for the dispatcher", typeof(EmailQueue), async (services, _) =>
        {
            var queue = services.GetRequiredService<EmailQueue>();
            await queue.EnqueueAsync(new OutgoingEmail(NotificationKind.AccountEmail, null, "someone@example.com", "Confirm", "<p>x</p>", "x"));
        }),
        new("account emails: the customer's language looked up, the email queued", typeof(BacklogPortal.Components.Account.IdentityEmailSender), async (services, _) =>
        {
            var sender = services.GetRequiredService<Microsoft.AspNetCore.Identity.IEmailSender<BacklogPortal.Data.ApplicationUser>>();
            await sender.SendPasswordResetLinkAsync(new BacklogPortal.Data.ApplicationUser { CustomerId = 1, DisplayName = "Alice" }, "alice@example.com", "https://portal.example.com/x");
        }),
        new("notifications log: page, counts, one email, re-queue", typeof(NotificationLog), async (services, server) =>
        {
            AnswerLikeAWaitingCustomer(server);
            server.Values["Status"] = (int)NotificationStatus.Failed;
            var log = services.GetRequiredService<NotificationLog>();
            Assert.Single((await log.GetPageAsync(new NotificationLogQuery(1, 25, NotificationStatus.Failed, "north"))).Items);
            await log.GetPageAsync(new NotificationLogQuery(0, 25));
            await log.CountByStatusAsync();
            Assert.NotNull(await log.GetAsync(1));
            Assert.Equal(RequeueResult.Requeued, await log.RequeueAsync(1, "staff@example.com"));
        }),

        new("migrations at start (Database:MigrateOnStart)", typeof(DatabaseInitializer), async (services, server) =>
        {
            server.QueryRows = _ => 0; // an empty migrations history: every migration is applied
            var options = Options.Create(new DatabaseOptions { Provider = DatabaseProvider.SqlServer, MigrateOnStart = true });
            var initializer = ActivatorUtilities.CreateInstance<DatabaseInitializer>(services, options);
            await initializer.StartingAsync(CancellationToken.None);
        }),
        new("demo data", typeof(DemoDataSeeder), async (services, server) =>
        {
            // An empty database but for the roles; the customers are read back after they were inserted.
            server.QueryRows = sql => sql.Contains("FROM [Customers]", StringComparison.Ordinal) || sql.Contains("FROM [AspNetRoles]", StringComparison.Ordinal) ? 1 : 0;
            await using var scope = services.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<DemoDataSeeder>().SeedAsync();
        }),
        new("Identity user store", null, async (services, server) =>
        {
            await using var scope = services.CreateAsyncScope();
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
            server.QueryRows = _ => 0; // nobody has this name or address yet
            var user = new ApplicationUser { UserName = "new@example.com", Email = "new@example.com" };
            Assert.True((await users.CreateAsync(user, "Demo-Passw0rd!")).Succeeded);
            // A passkey's data is JSON, which a made-up row cannot fake: the user has none.
            server.QueryRows = sql => sql.Contains("[AspNetUserPasskeys]", StringComparison.Ordinal) ? 0 : 1;
            var found = await users.FindByEmailAsync("new@example.com");
            Assert.NotNull(found);
            await users.UpdateAsync(found);
            await users.AccessFailedAsync(found);
            await users.GetRolesAsync(found);
            await users.AddToRoleAsync(found, Roles.Staff);
            await users.GetClaimsAsync(found);
            await users.GetLoginsAsync(found);
            await users.GetPasskeysAsync(found);
            await users.DeleteAsync(found);
            await scope.ServiceProvider.GetRequiredService<RoleManager<IdentityRole>>().FindByNameAsync(Roles.Staff);
        }),
        new("data-protection key ring", null, (services, server) =>
        {
            server.QueryRows = _ => 0; // no key yet: one is created and stored
            services.GetRequiredService<IDataProtectionProvider>().CreateProtector("statements").Protect("payload");
            return Task.CompletedTask;
        }),
        new("notification settings: read, saved with an address added and one removed, link sent again, link opened", typeof(BacklogPortal.Settings.NotificationSettings), async (services, server) =>
        {
            var settings = services.GetRequiredService<BacklogPortal.Settings.NotificationSettings>();
            server.Values["TimeZoneId"] = "Europe/Berlin";
            server.Values["Culture"] = "en-US";
            server.Values["Email"] = "alice@example.com";
            server.Values["ConfirmationExpiresAt"] = DateTimeOffset.UtcNow.AddDays(1);
            var view = await settings.LoadAsync("user-1", 1);
            Assert.NotNull(view);
            var saved = await settings.SaveAsync("user-1", 1, new BacklogPortal.Settings.SettingsChange(
                NotificationPreference.DailyDigest, 7, "de-DE", "Europe/Berlin", false, ["colleague@example.com"], [1]));
            Assert.True(saved.Ok, saved.Problem);
            await settings.ResendConfirmationAsync("user-1", 1, 1);
            server.Values["ConfirmedAt"] = null; // a pending address: the link's guarded update runs
            var confirmed = await settings.ConfirmAsync(SecretToken.New());
            Assert.Equal(BacklogPortal.Settings.RecipientConfirmationOutcome.Confirmed, confirmed.Outcome);
        }),
        new("calendar: a line, the feed, a new feed address, revoked", typeof(BacklogPortal.Calendar.CustomerCalendar), async (services, server) =>
        {
            var calendar = services.GetRequiredService<BacklogPortal.Calendar.CustomerCalendar>();
            server.Values["Culture"] = "en-US";
            server.Values["OrderNumber"] = "SO-1";
            Assert.NotNull(await calendar.LineAsync(1, 1));
            Assert.NotNull(await calendar.FeedAsync(SecretToken.New()));
            Assert.NotNull(await calendar.RenewFeedAsync("user-1", 1));
            await calendar.RevokeFeedAsync("user-1", 1);
        }),
        new("CSV export: every line of a filtered, sorted view", typeof(BacklogPortal.Export.BacklogCsvExport), async (services, server) =>
        {
            server.Values["TimeZoneId"] = "Europe/Berlin";
            using var file = new MemoryStream();
            await services.GetRequiredService<BacklogPortal.Export.BacklogCsvExport>().WriteAsync(1,
                BacklogView.FromQuery("?q=kb&kind=backorder&overdue=true&decision=awaiting&sort=-order"), file);
            Assert.True(file.Length > 0);
        }),
        new("health checks: database, email dispatch lag", typeof(BacklogPortal.Notifications.DispatchLagHealthCheck), async (services, _) =>
            await services.GetRequiredService<HealthCheckService>().CheckHealthAsync()),
        new("retention of email bodies and outbox rows", typeof(NotificationRetention), async (services, server) =>
        {
            server.QueryRows = _ => 0;
            await services.GetRequiredService<NotificationRetention>().RunAsync();
        }),
        new("telemetry: outbox gauges", typeof(BacklogPortal.Telemetry.OutboxGauges), async (services, _) =>
            await services.GetRequiredService<BacklogPortal.Telemetry.OutboxGauges>().SampleAsync()),
    ];

    [Fact]
    public async Task EveryStatementOfThePortalIsSqlServerSql()
    {
        await using var portal = new OfflineSqlServerPortal();
        var services = portal.Services;
        foreach (var scenario in Scenarios())
        {
            portal.Offline.Reset(scenario.Name);
            var before = portal.Offline.Statements.Count;
            await scenario.Run(services, portal.Offline);
            var sent = portal.Offline.Statements.Count - before;
            output.WriteLine($"{sent,4} statements: {scenario.Name}");
            Assert.True(sent > 0, $"The scenario '{scenario.Name}' sent no statement: it no longer reaches the database.");
        }

        var statements = portal.Offline.Statements.ToList();
        if (Environment.GetEnvironmentVariable(StatementsFileVariable) is { Length: > 0 } file)
        {
            await File.WriteAllLinesAsync(file, statements.Select(s => $"-- {s.Scenario}\n{s.Sql}\nGO\n"));
        }
        var problems = statements
            .SelectMany(s => TransactSql.Problems(s.Sql, s.Parameters).Select(problem => $"[{s.Scenario}] {problem}\n{s.Sql}"))
            .ToList();
        output.WriteLine($"{statements.Count} statements captured, {statements.Select(s => s.Sql).Distinct().Count()} distinct, {problems.Count} problems");
        Assert.True(problems.Count == 0, string.Join("\n\n", problems));
    }

    [Fact]
    public void EveryTypeThatTalksToTheDatabaseHasAScenario()
    {
        var covered = Scenarios().Select(s => s.Covers).OfType<Type>().ToHashSet();
        var found = TypesThatTalkToTheDatabase().ToList();
        Assert.Contains(typeof(EtaChangeService), found); // the discovery itself works
        var missing = found.Where(t => !covered.Contains(t) && !NotCovered.ContainsKey(t)).Select(t => t.FullName).ToList();
        Assert.True(missing.Count == 0,
            $"These types send statements to the database but no scenario in {nameof(SqlServerStatementTests)} runs them: {string.Join(", ", missing)}");
    }

    [Theory]
    [InlineData("SELECT TOP(1) [Id] FROM [OrderLines] ORDER BY [Id] LIMIT 1")]
    [InlineData("SELECT [Id] FROM [OrderLines] AS [o] LIMIT 5")]
    [InlineData("PRAGMA busy_timeout = 5000;")]
    [InlineData("INSERT INTO [EtaChanges] ([OrderLineId]) VALUES (@p0) RETURNING [Id]")]
    [InlineData("SELECT julianday([o].[Eta]) FROM [OrderLines] AS [o] WHERE [o].[Id] = @p0")]
    [InlineData("SELECT [o].[Sku] || '-' || [o].[Name] FROM [Products] AS [o]")]
    [InlineData("SELECT ifnull([o].[Eta], [o].[PromisedDate]) FROM [OrderLines] AS [o]")]
    [InlineData("UPDATE [OrderLines] SET [Version] = [Version] + 1 WHERE [Id] = @undeclared")]
    [InlineData("SELECT name FROM sqlite_master WHERE type = 'table'")]
    [InlineData("IF 1 = 1 BEGIN EXEC(N'CREATE INDEX [IX] ON [OrderLines] ([Eta]) WHERE [Eta] > date(''now'') LIMIT 1'); END")]
    public void TheCheckRejectsWhatSqlServerWouldNot(string statement) =>
        Assert.NotEmpty(TransactSql.Problems(statement, ["@p0"]));

    [Fact]
    public void TheCheckAcceptsWhatTheProvidersBothUnderstand() =>
        Assert.Empty(TransactSql.Problems(
            """INSERT INTO "EtaChanges" ("OrderLineId", "ReasonText") SELECT l."Id", @p0 FROM "OrderLines" AS l WHERE l."Eta" IS NULL""", ["p0"]));

    private static EtaChangeRequest Request(EtaChangeTarget target, DateOnly? eta) =>
        new(target, eta, EtaReasonCode.SupplierDelay, "Supplier moved the shipment", ChangeSource.Staff, "staff@example.com");

    /// <summary>Rows as the composer and dispatcher see them: a customer with an address, a line whose ETA moved.</summary>
    private static readonly System.Security.Claims.ClaimsPrincipal StaffAdmin = new(new System.Security.Claims.ClaimsIdentity(
        [
            new(System.Security.Claims.ClaimTypes.Name, "staff@example.com"),
            new(System.Security.Claims.ClaimTypes.Role, Roles.Staff),
            new(System.Security.Claims.ClaimTypes.Role, Roles.Admin),
        ], "test"));

    private static void AnswerLikeAWaitingCustomer(OfflineSqlServer server)
    {
        foreach (var (column, value) in new Dictionary<string, object?>
        {
            ["TimeZoneId"] = "Europe/Berlin",
            ["Culture"] = "de-DE",
            ["Name"] = "Northwind Traders",
            ["Number"] = "C-1",
            ["NotificationEmail"] = "purchasing@example.com",
            ["Email"] = "alice@example.com",
            ["ToAddress"] = "purchasing@example.com",
            ["EmailConfirmed"] = true,
            ["OrderNumber"] = "SO-1",
            ["Sku"] = "SKU-1",
            ["QuantityOrdered"] = 10,
            ["OldEta"] = Today.AddDays(10),
            ["NewEta"] = NewEta,
            ["Eta"] = NewEta,
            ["MessageId"] = "notification-1@localhost",
        })
        {
            server.Values[column] = value;
        }
    }

    /// <summary>Every type of the portal that takes a context or a context factory: in its constructor, a field or an injected property.</summary>
    private static IEnumerable<Type> TypesThatTalkToTheDatabase()
    {
        static bool IsDatabase(Type type) =>
            typeof(DbContext).IsAssignableFrom(type)
            || type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IDbContextFactory<>);

        const BindingFlags all = BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic;
        return typeof(PortalDbContext).Assembly.GetTypes()
            .Where(t => t is { IsAbstract: false, IsInterface: false, IsGenericTypeDefinition: false }
                && !typeof(DbContext).IsAssignableFrom(t)
                && t.GetCustomAttribute<CompilerGeneratedAttribute>() is null && !t.Name.Contains('<'))
            .Where(t => t.GetConstructors(all).SelectMany(c => c.GetParameters()).Any(p => IsDatabase(p.ParameterType))
                || t.GetFields(all).Any(f => IsDatabase(f.FieldType))
                || t.GetProperties(all).Any(p => p.GetCustomAttribute<InjectAttribute>() is not null && IsDatabase(p.PropertyType)))
            // A nested helper (the write path's SQL builder) is run by its declaring type's scenario.
            .Select(Outermost)
            .Where(t => !typeof(DbContext).IsAssignableFrom(t) && !IsContextFactory(t))
            .Distinct();

        static Type Outermost(Type type) => type.DeclaringType is { } outer ? Outermost(outer) : type;

        // The provider switch (Data/DataExtensions) hands out contexts; it sends nothing itself.
        static bool IsContextFactory(Type type) => type.GetInterfaces().Any(IsDatabase);
    }
}
