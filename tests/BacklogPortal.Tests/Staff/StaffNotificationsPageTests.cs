using AngleSharp.Dom;
using BacklogPortal.Domain;
using BacklogPortal.Notifications;
using BacklogPortal.Staff;
using BacklogPortal.Tests.Infrastructure;
using BacklogPortal.Tests.Notifications;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;

namespace BacklogPortal.Tests.Staff;

public sealed class StaffNotificationsPageTests(NotificationAppFactory factory) : IClassFixture<NotificationAppFactory>, IAsyncLifetime
{
    private readonly BunitContext context = new();

    public Task InitializeAsync()
    {
        context.JSInterop.Mode = JSRuntimeMode.Loose;
        context.Services.AddMudServices();
        context.Services.AddSingleton(factory.Services.GetRequiredService<NotificationLog>());
        var authorization = context.AddAuthorization();
        authorization.SetAuthorized("staff@example.com");
        authorization.SetRoles(Roles.Staff);
        context.Renderer.SetRendererInfo(new Microsoft.AspNetCore.Components.RendererInfo("Server", isInteractive: true));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await context.DisposeAsync();

    [Fact]
    public async Task AFailedEmailShowsItsStatusAttemptsAndError()
    {
        var customer = await FailedNotificationAsync();

        var page = context.Render<StaffNotificationsPage>();

        var row = page.WaitForElement(RowOf(customer));
        Assert.Contains("Failed", row.QuerySelector("[data-testid=status-chip]")!.TextContent);
        Assert.Contains("550", row.QuerySelector("[data-testid=last-error]")!.TextContent);
        Assert.Contains(customer.OrderNumber, row.TextContent);
        Assert.NotNull(row.QuerySelector("[data-testid=requeue]"));
    }

    [Fact]
    public async Task TheStatusFilterShowsOnlyEmailsWithThatStatus()
    {
        var failed = await FailedNotificationAsync();
        var sent = await SentNotificationAsync();
        var page = context.Render<StaffNotificationsPage>();
        page.WaitForElement(RowOf(sent));

        page.Find("[data-testid=filter-failed]").Click();

        page.WaitForAssertion(() =>
        {
            Assert.Empty(page.FindAll(RowOf(sent)));
            Assert.Single(page.FindAll(RowOf(failed)));
            Assert.All(page.FindAll("[data-testid=notifications-grid] [data-testid=status-chip]"), chip => Assert.Contains("Failed", chip.TextContent));
        });
    }

    [Fact]
    public async Task ReQueueingAFailedEmailSendsItAgain()
    {
        var customer = await FailedNotificationAsync();
        var page = context.Render<StaffNotificationsPage>();

        page.WaitForElement($"{RowOf(customer)} [data-testid=requeue]").Click();

        page.WaitForAssertion(() => Assert.Contains("Pending", page.Find($"{RowOf(customer)} [data-testid=status-chip]").TextContent));
        await factory.Dispatcher.DispatchDueAsync();
        var delivered = Assert.Single(factory.Smtp.MessagesTo(customer.Email));
        var notification = Assert.Single(await factory.NotificationsForAsync(customer.Id));
        Assert.Equal((NotificationStatus.Sent, 2), (notification.Status, notification.Attempts));
        Assert.Equal(notification.MessageId, delivered.MessageId);
    }

    [Fact]
    public async Task TheViewDialogShowsTheHtmlInASandboxAndTheTextPart()
    {
        var customer = await SentNotificationAsync();
        var dialogs = context.Render<MudDialogProvider>();
        var page = context.Render<StaffNotificationsPage>();

        page.WaitForElement($"{RowOf(customer)} [data-testid=view]").Click();

        var frame = dialogs.WaitForElement("[data-testid=html-preview]");
        Assert.Equal("allow-popups allow-popups-to-escape-sandbox", frame.GetAttribute("sandbox"));
        Assert.Contains(customer.Lines[0].ProductName, frame.GetAttribute("srcdoc"));
        Assert.Contains("<table", frame.GetAttribute("srcdoc"));
        Assert.Equal(customer.Email, dialogs.Find("[data-testid=dialog-to]").TextContent);
        var textTab = dialogs.FindAll(".mud-tab").First(t => t.TextContent.Contains("Plain text"));
        textTab.Click();
        dialogs.WaitForAssertion(() => Assert.Contains(customer.Lines[0].ProductName, dialogs.Find("[data-testid=text-preview]").TextContent));
    }

    [Fact]
    public async Task ReQueueUsesTheCustomersCorrectedAddress()
    {
        var customer = await FailedNotificationAsync();
        var corrected = $"fixed-{customer.Email}";
        await using (var db = await factory.CreateDbContextAsync())
        {
            (await db.Customers.FindAsync(customer.Id))!.NotificationEmail = corrected;
            await db.SaveChangesAsync();
        }
        var log = factory.Services.GetRequiredService<NotificationLog>();

        Assert.Equal(RequeueResult.Requeued, await log.RequeueAsync(Assert.Single(await factory.NotificationsForAsync(customer.Id)).Id, "staff@example.com"));
        await factory.Dispatcher.DispatchDueAsync();

        Assert.Single(factory.Smtp.MessagesTo(corrected));
        Assert.Equal(RequeueResult.NotFailed, await log.RequeueAsync(Assert.Single(await factory.NotificationsForAsync(customer.Id)).Id, "staff@example.com"));
    }

    private static string RowOf(TestCustomer customer) => $"tr:has([data-customer='{customer.Id}'])";

    private async Task<TestCustomer> FailedNotificationAsync()
    {
        var customer = await factory.CreateCustomerAsync(lines: 1);
        factory.Smtp.Script(customer.Email, SmtpFault.Reply(550, "No such mailbox"));
        await factory.ChangeEtaAsync(customer.Lines[0].Id, customer.Lines[0].Eta!.Value.AddDays(4));
        factory.PassCoalesceWindow();
        await factory.ComposeAndDispatchAsync();
        return customer;
    }

    private async Task<TestCustomer> SentNotificationAsync()
    {
        var customer = await factory.CreateCustomerAsync(lines: 1);
        await factory.ChangeEtaAsync(customer.Lines[0].Id, customer.Lines[0].Eta!.Value.AddDays(2));
        factory.PassCoalesceWindow();
        await factory.ComposeAndDispatchAsync();
        return customer;
    }
}
