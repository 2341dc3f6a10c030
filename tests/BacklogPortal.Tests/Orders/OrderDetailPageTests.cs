using System.Globalization;
using System.Security.Claims;
using BacklogPortal.Components.Account;
using BacklogPortal.Domain;
using BacklogPortal.Orders;
using BacklogPortal.Tests.Infrastructure;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MudBlazor;
using static BacklogPortal.Tests.Orders.OrderTestData;

namespace BacklogPortal.Tests.Orders;

public sealed class OrderDetailPageTests : PortalComponentTestContext
{
    private OrderTestData data = default!;
    private Customer northwind = default!;
    private Customer contoso = default!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        data = new OrderTestData(Database);
        Services.AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance);
        Services.AddSingleton(typeof(ILogger<>), typeof(NullLogger<>));
        Services.AddSingleton<OrderDetails>();
        Services.AddSingleton<CustomerResponses>();
        Services.AddSingleton<BacklogPortal.Notifications.DispatchSignal>();
        Services.AddSingleton<BacklogPortal.Notifications.EmailQueue>();
        Services.AddSingleton<BacklogPortal.Notifications.AnswerConfirmations>();
        Services.AddSingleton(Microsoft.Extensions.Options.Options.Create(new BacklogPortal.Hosting.PortalOptions { PublicBaseUrl = "https://portal.example.com" }));
        northwind = await data.CustomerAsync("Northwind Traders");
        contoso = await data.CustomerAsync("Contoso Retail");
    }

    /// <summary>The page as Interactive Server renders it, at <paramref name="uri"/>, with the dialog provider the layout supplies.</summary>
    private (IRenderedComponent<OrderDetailPage> Page, IRenderedComponent<MudDialogProvider> Dialogs) RenderAs(Customer customer, string orderNumber, string? query = null)
    {
        Authorization.SetAuthorized("alice@example.com");
        Authorization.SetRoles(Roles.Customer);
        Authorization.SetClaims(new Claim(PortalClaims.CustomerId, customer.Id.ToString(CultureInfo.InvariantCulture)));
        Services.GetRequiredService<NavigationManager>().NavigateTo($"/orders/{orderNumber}{query}");
        SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        Render<MudPopoverProvider>();
        var dialogs = Render<MudDialogProvider>();
        var page = Render<OrderDetailPage>(p => p.Add(x => x.OrderNumber, orderNumber));
        return (page, dialogs);
    }

    private static IReadOnlyList<string> TimelineTexts(IRenderedComponent<OrderDetailPage> page, int lineId) =>
        page.FindAll($"[data-line-id='{lineId}'] [data-testid=eta-history-item]").Select(item => item.TextContent).ToList();

    [Fact]
    public async Task TimelineListsTheOriginalPromiseThenEveryChange()
    {
        var (order, lines) = await data.OrderAsync(northwind, AwaitingConsent(), OnSchedule());

        var (page, _) = RenderAs(northwind, order.OrderNumber);

        page.WaitForAssertion(() => Assert.Equal(3, TimelineTexts(page, lines[0].Id).Count));
        var items = TimelineTexts(page, lines[0].Id);
        Assert.Contains("promised for 1 Mar 2027", items[0]);
        Assert.Contains("1 Mar 2027", items[1]);
        Assert.Contains("21 Mar 2027", items[1]);
        Assert.Contains("Supplier delay", items[1]);
        Assert.Contains("Component shortage", items[1]);
        Assert.Contains("4 Oct 2026", items[1]);
        Assert.Contains("21 Mar 2027", items[2]);
        Assert.Contains("15 Apr 2027", items[2]);
        Assert.Contains("Transport", items[2]);
        Assert.Contains("Container held at port", items[2]);
        Assert.Contains("7 Oct 2026", items[2]);
        // A line whose date never moved shows only the promise.
        Assert.Single(TimelineTexts(page, lines[1].Id));
        Assert.Contains("Your decision is needed", page.Find($"[data-line-id='{lines[0].Id}']").TextContent);
        Assert.Empty(page.FindAll($"[data-line-id='{lines[1].Id}'] button"));
    }

    [Fact]
    public async Task ResponseLinkOpensTheDialogAndNothingIsRecordedUntilConfirmed()
    {
        var (order, lines) = await data.OrderAsync(northwind, OnSchedule(), AwaitingConsent());
        var line = lines[1];

        var (page, dialogs) = RenderAs(northwind, order.OrderNumber, $"?line={line.Id}&respond=accept");

        dialogs.WaitForElement("[data-testid=respond-dialog]");
        Assert.Contains("Accept the new date?", dialogs.Markup);
        Assert.Contains("15 Apr 2027", dialogs.Find("[data-testid=respond-explanation]").TextContent);
        var untouched = await data.LineAsync(line.Id);
        Assert.Equal((line.Version, CustomerResponse.None), (untouched.Version, untouched.CustomerResponse));

        dialogs.Find("button[data-testid=respond-confirm]").Click();

        page.WaitForAssertion(() => Assert.Contains("you accepted the new date", page.Find("[data-testid=line-message]").TextContent));
        Assert.Empty(dialogs.FindAll("[data-testid=respond-dialog]"));
        var after = await data.LineAsync(line.Id);
        Assert.Equal((line.Version + 1, CustomerResponse.AcceptedNewDate, "alice@example.com"),
            (after.Version, after.CustomerResponse, after.CustomerRespondedBy));
        // The page shows the answer and no longer asks for it.
        Assert.Empty(page.FindAll("[data-testid=decision-needed]"));
        var answer = TimelineTexts(page, line.Id)[^1];
        Assert.Contains("You accepted the new date", answer);
        Assert.Contains("alice@example.com", answer);
        Assert.Contains("26 Nov 2026, 09:00", answer);
    }

    [Fact]
    public async Task GoingBackFromTheDialogRecordsNothing()
    {
        var (order, lines) = await data.OrderAsync(northwind, AwaitingConsent());
        var line = lines[0];
        var (page, dialogs) = RenderAs(northwind, order.OrderNumber, $"?line={line.Id}&respond=cancel");
        dialogs.WaitForElement("[data-testid=respond-dialog]");
        Assert.Contains("Cancel 10 units", dialogs.Find("button[data-testid=respond-confirm]").TextContent);

        dialogs.Find("button[data-testid=respond-back]").Click();

        dialogs.WaitForAssertion(() => Assert.Empty(dialogs.FindAll("[data-testid=respond-dialog]")));
        var after = await data.LineAsync(line.Id);
        Assert.Equal((line.Version, LineStatus.Open, 0), (after.Version, after.Status, after.QuantityCancelled));
        Assert.NotEmpty(page.FindAll("[data-testid=decision-needed]"));
    }

    [Fact]
    public async Task ALineThatChangedWhileTheDialogWasOpenIsNotAnsweredAndTheCustomerIsToldToReview()
    {
        var (order, lines) = await data.OrderAsync(northwind, AwaitingConsent());
        var line = lines[0];
        var (page, dialogs) = RenderAs(northwind, order.OrderNumber);
        page.WaitForElement("button[data-testid=cancel-open-quantity]").Click();
        dialogs.WaitForElement("[data-testid=respond-dialog]");

        await data.TouchAsync(line.Id);
        dialogs.Find("button[data-testid=respond-confirm]").Click();

        dialogs.WaitForAssertion(() => Assert.Contains("changed meanwhile, please review", dialogs.Find("[data-testid=respond-failure]").TextContent));
        Assert.Equal(LineStatus.Open, (await data.LineAsync(line.Id)).Status);
        dialogs.Find("button[data-testid=respond-review]").Click();
        page.WaitForAssertion(() => Assert.Contains("changed meanwhile", page.Find("[data-testid=line-message]").TextContent));
    }

    [Fact]
    public async Task ALinkForALineThatIsAlreadyAnsweredExplainsInsteadOfAsking()
    {
        var (order, lines) = await data.OrderAsync(northwind, AwaitingConsent());
        var line = lines[0];
        await OrderTestData.Responses(Database, Clock)
            .AcceptNewDateAsync(northwind.Id, line.Id, line.Version, "alice@example.com");

        var (page, dialogs) = RenderAs(northwind, order.OrderNumber, $"?line={line.Id}&respond=accept");

        page.WaitForAssertion(() => Assert.Contains("You already accepted the new date", page.Find("[data-testid=line-message]").TextContent));
        Assert.Empty(dialogs.FindAll("[data-testid=respond-dialog]"));
    }

    [Fact]
    public async Task AnotherCustomersOrderAndItsLineIdsShowNothing()
    {
        var (theirs, theirLines) = await data.OrderAsync(contoso, AwaitingConsent() with { ProductName = "Contoso secret widget" });

        var (page, dialogs) = RenderAs(northwind, theirs.OrderNumber, $"?line={theirLines[0].Id}&respond=cancel");

        page.WaitForElement("[data-testid=order-not-found]");
        Assert.DoesNotContain("Contoso secret widget", page.Markup);
        Assert.Empty(page.FindAll("[data-testid=order-line]"));
        Assert.Empty(dialogs.FindAll("[data-testid=respond-dialog]"));
        Assert.Equal(LineStatus.Open, (await data.LineAsync(theirLines[0].Id)).Status);
    }

    [Fact]
    public async Task ALinkNamingALineOfAnotherOrderOpensNoDialog()
    {
        var (order, _) = await data.OrderAsync(northwind, AwaitingConsent());
        var (_, otherLines) = await data.OrderAsync(contoso, AwaitingConsent());

        var (page, dialogs) = RenderAs(northwind, order.OrderNumber, $"?line={otherLines[0].Id}&respond=cancel");

        page.WaitForAssertion(() => Assert.Contains("does not match a line of this order", page.Find("[data-testid=link-message]").TextContent));
        Assert.Empty(dialogs.FindAll("[data-testid=respond-dialog]"));
    }

    [Theory]
    [InlineData("bogus")]
    [InlineData("acc%C3%A9pt")]
    public async Task ALinkWithAnUnknownAnswerShowsTheLineAndSaysWhatIsMissing(string respond)
    {
        var (order, lines) = await data.OrderAsync(northwind, AwaitingConsent());

        var (page, dialogs) = RenderAs(northwind, order.OrderNumber, $"?line={lines[0].Id}&respond={respond}");

        page.WaitForAssertion(() => Assert.Contains("did not say whether to accept or cancel", page.Find("[data-testid=link-message]").TextContent));
        Assert.DoesNotContain("does not match a line", page.Markup);
        Assert.Single(page.FindAll("[data-testid=order-line]"));
        Assert.Empty(dialogs.FindAll("[data-testid=respond-dialog]"));
    }

    [Theory]
    [InlineData("105>")]
    [InlineData("x")]
    [InlineData("-1")]
    [InlineData("99999999999999")]
    public async Task AMangledLineInALinkStillShowsTheOrder(string lineText)
    {
        var (order, _) = await data.OrderAsync(northwind, AwaitingConsent());

        var (page, dialogs) = RenderAs(northwind, order.OrderNumber, $"?line={Uri.EscapeDataString(lineText)}&respond=accept");

        page.WaitForAssertion(() => Assert.Contains("does not match a line of this order", page.Find("[data-testid=link-message]").TextContent));
        Assert.Single(page.FindAll("[data-testid=order-line]"));
        Assert.Empty(dialogs.FindAll("[data-testid=respond-dialog]"));
    }

    [Fact]
    public async Task AcceptingALineWithoutADateSaysThatTheCustomerAcceptsToWait()
    {
        var (order, lines) = await data.OrderAsync(northwind, AwaitingConsent() with
        {
            Moves = [(Promised.AddDays(20), EtaReasonCode.SupplierDelay, null), (null, EtaReasonCode.SupplierDelay, "No date from the supplier")],
        });

        var (page, dialogs) = RenderAs(northwind, order.OrderNumber, $"?line={lines[0].Id}&respond=accept");

        dialogs.WaitForElement("[data-testid=respond-dialog]");
        Assert.Contains("Wait until we know the date?", dialogs.Markup);
        Assert.Equal("Wait for the date", dialogs.Find("[data-testid=respond-confirm]").TextContent.Trim());
        Assert.DoesNotContain("Accept new date", dialogs.Markup);
        Assert.DoesNotContain("Accept the new date", dialogs.Markup);
        Assert.Equal("Wait for the date", page.Find("[data-testid=accept-new-date]").TextContent.Trim());
    }

    [Theory]
    [InlineData("?q=kb&sort=-status&page=2", "/backlog?q=kb&sort=-status&page=2")]
    [InlineData("https://evil.example/?q=x", "/backlog")]
    [InlineData("//evil.example", "/backlog")]
    public async Task TheWayBackLeadsToTheBacklogViewTheCustomerCameFromAndNowhereElse(string back, string expected)
    {
        var (order, _) = await data.OrderAsync(northwind, OnSchedule());

        var (page, _) = RenderAs(northwind, order.OrderNumber, "?back=" + Uri.EscapeDataString(back));

        page.WaitForAssertion(() => Assert.Equal(expected, page.Find("[data-testid=back-to-backlog]").GetAttribute("href")));
    }

    [Fact]
    public async Task AChangeOfALineOfTheOrderShowsWithoutAReload()
    {
        Services.AddSingleton<BacklogPortal.Notifications.OutboxSignal>();
        Services.AddSingleton<BacklogPortal.EtaChanges.EtaChangeService>();
        var (order, lines) = await data.OrderAsync(northwind, OnSchedule(), OnSchedule());
        var feed = Services.GetRequiredService<BacklogPortal.Backlog.LineChangeFeed>();
        await feed.PollOnceAsync();
        var (page, _) = RenderAs(northwind, order.OrderNumber);
        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-testid=order-line]").Count));

        var changed = await Services.GetRequiredService<BacklogPortal.EtaChanges.EtaChangeService>().ChangeAsync(new(
            BacklogPortal.EtaChanges.EtaChangeTarget.ForLine(lines[1].Id, lines[1].Version), Promised.AddDays(12),
            EtaReasonCode.Transport, null, ChangeSource.Staff, "staff@example.com"));
        Assert.Equal(BacklogPortal.EtaChanges.EtaChangeOutcome.Changed, changed.Outcome);
        await feed.PollOnceAsync();

        page.WaitForAssertion(() =>
        {
            var card = page.Find($"[data-line-id='{lines[1].Id}']");
            Assert.Contains("13 Mar 2027", card.QuerySelector("[data-testid=line-eta]")!.TextContent);
            Assert.Contains("row-updated", card.ClassName);
        });
        Assert.DoesNotContain("row-updated", page.Find($"[data-line-id='{lines[0].Id}']").ClassName);
    }
}
