using BacklogPortal.Domain;
using BacklogPortal.Orders;
using BacklogPortal.Staff.Lines;
using BacklogPortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using static BacklogPortal.Tests.Orders.OrderTestData;

namespace BacklogPortal.Tests.Orders;

public sealed class CustomerResponsesTests : IAsyncLifetime
{
    private const string Alice = "alice@example.com";

    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2026, 11, 26, 9, 30, 0, TimeSpan.Zero));
    private TestDatabase database = default!;
    private OrderTestData data = default!;
    private CustomerResponses responses = default!;
    private Customer northwind = default!;
    private Customer contoso = default!;

    public async Task InitializeAsync()
    {
        database = await TestDatabase.CreateAsync();
        data = new OrderTestData(database);
        responses = Responses(database, clock);
        northwind = await data.CustomerAsync("Northwind Traders");
        contoso = await data.CustomerAsync("Contoso Retail");
    }

    public async Task DisposeAsync() => await database.DisposeAsync();

    [Fact]
    public async Task AcceptingTheNewDateRecordsWhoAndWhenAndBumpsTheVersion()
    {
        var (_, lines) = await data.OrderAsync(northwind, AwaitingConsent());
        var line = lines[0];

        var result = await responses.AcceptNewDateAsync(northwind.Id, line.Id, line.Version, Alice);

        Assert.Equal(ResponseOutcome.Recorded, result.Outcome);
        var after = await data.LineAsync(line.Id);
        Assert.Equal(CustomerResponse.AcceptedNewDate, after.CustomerResponse);
        Assert.Equal(clock.GetUtcNow(), after.CustomerRespondedAt);
        Assert.Equal(Alice, after.CustomerRespondedBy);
        Assert.Equal(line.Version + 1, after.Version);
        // Accepting keeps the line and its quantities; the consent flag stays as the record that consent was asked for.
        Assert.True(after.ConsentRequired);
        Assert.Equal(LineStatus.Open, after.Status);
        Assert.Equal((10, 0, 0), (after.QuantityOrdered, after.QuantityShipped, after.QuantityCancelled));
        Assert.Equal(line.Eta, after.Eta);
    }

    [Fact]
    public async Task AnAcceptedLineNoLongerCountsAsAwaitingConsentForStaff()
    {
        var (order, lines) = await data.OrderAsync(northwind, AwaitingConsent(), AwaitingConsent());
        var staff = new StaffBacklogQuery(database, clock);
        var filter = new BacklogPortal.Staff.StaffLinesFilter { Order = order.OrderNumber, AwaitingDecision = true };
        Assert.Equal(2, (await staff.GetLinesAsync(filter, new StaffLinesPaging())).TotalCount);

        await responses.AcceptNewDateAsync(northwind.Id, lines[0].Id, lines[0].Version, Alice);

        var awaiting = await staff.GetLinesAsync(filter, new StaffLinesPaging());
        Assert.Equal(lines[1].Id, Assert.Single(awaiting.Lines).LineId);
        var accepted = (await staff.GetLinesAsync(new BacklogPortal.Staff.StaffLinesFilter { Order = order.OrderNumber }, new StaffLinesPaging()))
            .Lines.Single(l => l.LineId == lines[0].Id);
        Assert.False(accepted.State.AwaitsDecision);
        Assert.Equal(CustomerResponse.AcceptedNewDate, accepted.State.CustomerResponse);
    }

    [Fact]
    public async Task CancellingMovesTheOpenQuantityToCancelledAndClosesTheLine()
    {
        var (_, lines) = await data.OrderAsync(northwind, AwaitingConsent());
        var line = lines[0];

        var result = await responses.CancelOpenQuantityAsync(northwind.Id, line.Id, line.Version, Alice);

        Assert.Equal(ResponseOutcome.Recorded, result.Outcome);
        var after = await data.LineAsync(line.Id);
        Assert.Equal((10, 0, 10, 0), (after.QuantityOrdered, after.QuantityShipped, after.QuantityCancelled, after.QuantityOpen));
        Assert.Equal(LineStatus.Cancelled, after.Status);
        Assert.Equal(CustomerResponse.CancelledOpenQuantity, after.CustomerResponse);
        Assert.Equal(clock.GetUtcNow(), after.CustomerRespondedAt);
        Assert.Equal(Alice, after.CustomerRespondedBy);
        Assert.Equal(line.Version + 1, after.Version);
    }

    [Fact]
    public async Task CancellingAPartlyShippedLineCancelsOnlyWhatIsOpenAndCompletesTheLine()
    {
        var (_, lines) = await data.OrderAsync(northwind, AwaitingConsent(shipped: 4));
        var line = lines[0];

        await responses.CancelOpenQuantityAsync(northwind.Id, line.Id, line.Version, Alice);

        var after = await data.LineAsync(line.Id);
        Assert.Equal((10, 4, 6, 0), (after.QuantityOrdered, after.QuantityShipped, after.QuantityCancelled, after.QuantityOpen));
        // Everything that will ever ship has shipped: the line leaves the backlog as Shipped, its cancelled rest on record.
        Assert.Equal(LineStatus.Shipped, after.Status);
        Assert.Equal(CustomerResponse.CancelledOpenQuantity, after.CustomerResponse);
    }

    [Fact]
    public async Task AStaleVersionIsRefusedAsChangedMeanwhileAndWritesNothing()
    {
        var (_, lines) = await data.OrderAsync(northwind, AwaitingConsent());
        var seen = lines[0];
        await data.TouchAsync(seen.Id);
        var before = await data.LineAsync(seen.Id);

        var accept = await responses.AcceptNewDateAsync(northwind.Id, seen.Id, seen.Version, Alice);
        var cancel = await responses.CancelOpenQuantityAsync(northwind.Id, seen.Id, seen.Version, Alice);

        Assert.Equal(ResponseOutcome.ChangedMeanwhile, accept.Outcome);
        Assert.Equal(ResponseOutcome.ChangedMeanwhile, cancel.Outcome);
        Assert.Contains("changed meanwhile, please review", accept.Message);
        var after = await data.LineAsync(seen.Id);
        Assert.Equal(before.Version, after.Version);
        Assert.Equal(CustomerResponse.None, after.CustomerResponse);
        Assert.Equal(LineStatus.Open, after.Status);
        Assert.Null(after.CustomerRespondedBy);
    }

    [Fact]
    public async Task AnotherCustomersLineIsRefusedEvenWithTheRightVersion()
    {
        var (_, contosoLines) = await data.OrderAsync(contoso, AwaitingConsent());
        var theirs = contosoLines[0];

        // A tampered line id: the real line of another customer, with its real version.
        var accept = await responses.AcceptNewDateAsync(northwind.Id, theirs.Id, theirs.Version, Alice);
        var cancel = await responses.CancelOpenQuantityAsync(northwind.Id, theirs.Id, theirs.Version, Alice);
        var missing = await responses.CancelOpenQuantityAsync(northwind.Id, int.MaxValue, 0, Alice);

        Assert.Equal(ResponseOutcome.NotFound, accept.Outcome);
        Assert.Equal(ResponseOutcome.NotFound, cancel.Outcome);
        // Indistinguishable from a line that does not exist.
        Assert.Equal(missing, cancel);
        var after = await data.LineAsync(theirs.Id);
        Assert.Equal(theirs.Version, after.Version);
        Assert.Equal(CustomerResponse.None, after.CustomerResponse);
        Assert.Equal((0, LineStatus.Open), (after.QuantityCancelled, after.Status));
    }

    [Fact]
    public async Task ADelayThatNeedsNoConsentCannotBeAcceptedButMayBeCancelled()
    {
        var (_, lines) = await data.OrderAsync(northwind, FirstShortDelay(), FirstShortDelay());

        var accept = await responses.AcceptNewDateAsync(northwind.Id, lines[0].Id, lines[0].Version, Alice);
        var cancel = await responses.CancelOpenQuantityAsync(northwind.Id, lines[1].Id, lines[1].Version, Alice);

        Assert.Equal(ResponseOutcome.Refused, accept.Outcome);
        Assert.Contains("needs no answer", accept.Message);
        Assert.Equal(CustomerResponse.None, (await data.LineAsync(lines[0].Id)).CustomerResponse);
        Assert.Equal(ResponseOutcome.Recorded, cancel.Outcome);
        Assert.Equal(LineStatus.Cancelled, (await data.LineAsync(lines[1].Id)).Status);
    }

    [Fact]
    public async Task ALineOnScheduleHasNoDelayToAnswer()
    {
        var (_, lines) = await data.OrderAsync(northwind, OnSchedule());
        var line = lines[0];

        var accept = await responses.AcceptNewDateAsync(northwind.Id, line.Id, line.Version, Alice);
        var cancel = await responses.CancelOpenQuantityAsync(northwind.Id, line.Id, line.Version, Alice);

        Assert.Equal(ResponseOutcome.Refused, accept.Outcome);
        Assert.Equal(ResponseOutcome.Refused, cancel.Outcome);
        Assert.Contains("on schedule", cancel.Message);
        var after = await data.LineAsync(line.Id);
        Assert.Equal((line.Version, LineStatus.Open, 0), (after.Version, after.Status, after.QuantityCancelled));
    }

    [Fact]
    public async Task AnOverdueLineMayBeCancelled()
    {
        var overdue = new LineSpec(DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime).AddDays(-3), []);
        var (_, lines) = await data.OrderAsync(northwind, overdue);

        var cancel = await responses.CancelOpenQuantityAsync(northwind.Id, lines[0].Id, lines[0].Version, Alice);

        Assert.Equal(ResponseOutcome.Recorded, cancel.Outcome);
    }

    [Fact]
    public async Task AnswersOnShippedOrCancelledLinesAreRefused()
    {
        var (_, lines) = await data.OrderAsync(northwind,
            AwaitingConsent() with { Status = LineStatus.Shipped, Shipped = 10 },
            AwaitingConsent() with { Status = LineStatus.Cancelled });

        var shipped = await responses.CancelOpenQuantityAsync(northwind.Id, lines[0].Id, lines[0].Version, Alice);
        var cancelled = await responses.AcceptNewDateAsync(northwind.Id, lines[1].Id, lines[1].Version, Alice);

        Assert.Equal((ResponseOutcome.Refused, "This line has shipped in full; there is nothing left to decide."), (shipped.Outcome, shipped.Message));
        Assert.Equal((ResponseOutcome.Refused, "This line is cancelled; there is nothing left to decide."), (cancelled.Outcome, cancelled.Message));
        Assert.Equal(lines[0].Version, (await data.LineAsync(lines[0].Id)).Version);
        Assert.Equal(lines[1].Version, (await data.LineAsync(lines[1].Id)).Version);
    }

    [Fact]
    public async Task AnsweringTwiceSaysItIsAlreadyRecordedAndTheCustomerMayStillCancelAfterAccepting()
    {
        var (_, lines) = await data.OrderAsync(northwind, AwaitingConsent());
        var line = lines[0];
        await responses.AcceptNewDateAsync(northwind.Id, line.Id, line.Version, Alice);

        // The same email link clicked again, with the version the first page showed.
        var again = await responses.AcceptNewDateAsync(northwind.Id, line.Id, line.Version, "bob@example.com");
        var cancel = await responses.CancelOpenQuantityAsync(northwind.Id, line.Id, line.Version + 1, Alice);

        Assert.Equal(ResponseOutcome.Refused, again.Outcome);
        Assert.Contains("You already accepted the new date", again.Message);
        Assert.Equal(ResponseOutcome.Recorded, cancel.Outcome);
        var after = await data.LineAsync(line.Id);
        Assert.Equal((CustomerResponse.CancelledOpenQuantity, LineStatus.Cancelled, line.Version + 2),
            (after.CustomerResponse, after.Status, after.Version));
    }

    [Fact]
    public async Task AnAnswerWritesItsAuditRowAndQueuesAConfirmationInTheCustomersLanguage()
    {
        await using (var db = database.CreateDbContext())
        {
            await db.Customers.Where(c => c.Id == northwind.Id).ExecuteUpdateAsync(s => s.SetProperty(c => c.Culture, "de-DE").SetProperty(c => c.NotificationEmail, "einkauf@northwind.example"));
        }
        var (order, lines) = await data.OrderAsync(northwind, AwaitingConsent());
        var line = lines[0];

        var result = await responses.RespondAsync(northwind.Id, line.Id, line.Version, CustomerResponse.AcceptedNewDate, Alice, AnswerSource.EmailLink);

        Assert.True(result.IsRecorded);
        await using var check = database.CreateDbContext();
        var audit = Assert.Single(await check.CustomerAnswers.Where(a => a.OrderLineId == line.Id).ToListAsync());
        Assert.Equal((northwind.Id, CustomerResponse.AcceptedNewDate, Promised.AddDays(45), clock.GetUtcNow(), Alice, AnswerSource.EmailLink),
            (audit.CustomerId, audit.Response, audit.AnsweredEta, audit.AnsweredAt, audit.AnsweredBy, audit.Source));
        var confirmation = Assert.Single(await check.Notifications.Include(n => n.Body)
            .Where(n => n.CustomerId == northwind.Id && n.Kind == NotificationKind.AnswerConfirmation).ToListAsync());
        Assert.Equal(NotificationStatus.Pending, confirmation.Status);
        Assert.Equal($"Ihre Antwort ist vermerkt: Auftrag {order.OrderNumber}", confirmation.Subject);
        var date = Promised.AddDays(45).ToString("D", System.Globalization.CultureInfo.GetCultureInfo("de-DE"));
        Assert.Contains($"in Auftrag {order.OrderNumber} angenommen: {date}.", confirmation.Body!.TextBody);
        Assert.Contains($"Beantwortet von {Alice} am", confirmation.Body.TextBody);
        Assert.DoesNotContain("Northwind Traders,", confirmation.Body.TextBody);
        Assert.Contains(date, confirmation.Body.HtmlBody);
    }

    [Fact]
    public async Task ACancellationOfALineWithoutADateSaysSoAndEveryAnswerStaysInTheHistory()
    {
        var (_, lines) = await data.OrderAsync(northwind, new LineSpec(Promised, [(null, EtaReasonCode.SupplierDelay, "Supplier cannot say")], ConsentRequired: true));
        var line = lines[0];

        Assert.True((await responses.AcceptNewDateAsync(northwind.Id, line.Id, line.Version, Alice)).IsRecorded);
        clock.Advance(TimeSpan.FromHours(1));
        Assert.True((await responses.CancelOpenQuantityAsync(northwind.Id, line.Id, line.Version + 1, "bob@example.com")).IsRecorded);

        await using var check = database.CreateDbContext();
        var answers = await check.CustomerAnswers.Where(a => a.OrderLineId == line.Id).OrderBy(a => a.Id).ToListAsync();
        Assert.Equal([CustomerResponse.AcceptedNewDate, CustomerResponse.CancelledOpenQuantity], answers.Select(a => a.Response));
        Assert.All(answers, a => Assert.Null(a.AnsweredEta));
        Assert.All(answers, a => Assert.Equal(AnswerSource.Portal, a.Source));
        var texts = await check.NotificationBodies
            .Where(b => check.Notifications.Any(n => n.Id == b.NotificationId && n.Kind == NotificationKind.AnswerConfirmation && n.CustomerId == northwind.Id))
            .OrderBy(b => b.NotificationId).Select(b => b.TextBody).ToListAsync();
        Assert.Equal(2, texts.Count);
        Assert.Contains("you agreed to wait for", texts[0]);
        Assert.Contains("The new delivery date is not yet known", texts[0]);
        Assert.DoesNotContain("accepted the new delivery date", texts[0]);
        Assert.Contains("you cancelled the open quantity (10 units)", texts[1]);

        // Staff see both answers in the line's history, with the ETA each answered.
        var history = await new StaffLineHistory(database, new StaffBacklogQuery(database, clock), StaffAuthorization(), clock).GetAsync(StaffUser(), line.Id);
        var shown = history!.Events.Where(e => e.Kind == LineHistoryEventKind.CustomerAnswer).ToList();
        Assert.Equal(["Customer cancelled the open quantity", "Customer agreed to wait for the new date"], shown.Select(e => e.Title));
        Assert.All(shown, e => Assert.Contains("Answered the ETA", e.Detail));
        // ... and both confirmation emails, each linked to its record on /staff/notifications.
        var confirmationIds = answers.Select(a => a.ConfirmationNotificationId).ToList();
        Assert.All(confirmationIds, id => Assert.NotNull(id));
        var emails = history.Events.Where(e => e.Kind == LineHistoryEventKind.Email).ToList();
        Assert.Equal(confirmationIds.OrderDescending(), emails.Select(e => e.NotificationId));
        Assert.Collection(emails,
            e => Assert.EndsWith($": Cancellation confirmed: order {history.Line.OrderNumber}", e.Title),
            e => Assert.EndsWith($": Your answer is recorded: order {history.Line.OrderNumber}", e.Title));
    }

    private static Microsoft.AspNetCore.Authorization.IAuthorizationService StaffAuthorization() =>
        new Microsoft.Extensions.DependencyInjection.ServiceCollection()
            .AddLogging()
            .AddAuthorizationCore(options => options.AddPolicy(BacklogPortal.Components.Account.Policies.Staff, policy => policy.RequireRole(Roles.Staff)))
            .BuildServiceProvider()
            .GetRequiredService<Microsoft.AspNetCore.Authorization.IAuthorizationService>();

    private static System.Security.Claims.ClaimsPrincipal StaffUser() => new(new System.Security.Claims.ClaimsIdentity(
        [new(System.Security.Claims.ClaimTypes.Name, "staff@example.com"), new(System.Security.Claims.ClaimTypes.Role, Roles.Staff)], "test"));
}
