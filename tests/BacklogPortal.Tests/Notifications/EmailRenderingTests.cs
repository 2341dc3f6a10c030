using System.Globalization;
using AngleSharp.Html.Parser;
using BacklogPortal.Domain;
using BacklogPortal.Notifications;
using BacklogPortal.Notifications.Templates;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace BacklogPortal.Tests.Notifications;

public sealed class EmailRenderingTests : IAsyncLifetime
{
    private static readonly PortalLinks Links = new("https://portal.example.com/");
    private readonly ServiceProvider services = new ServiceCollection().BuildServiceProvider();
    private NotificationEmailRenderer renderer = default!;

    public Task InitializeAsync()
    {
        renderer = new NotificationEmailRenderer(services.GetRequiredService<IServiceScopeFactory>(), NullLoggerFactory.Instance);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await renderer.DisposeAsync();
        await services.DisposeAsync();
    }

    [Fact]
    public async Task EnglishEmailShowsDatesTheAmericanWayInBothParts()
    {
        var email = await renderer.RenderAsync(Content("en-US", "America/New_York"), Links.Host);

        Assert.Equal("Action needed: new delivery dates for orders SO-1001 and SO-1002", email.Subject);
        var html = new HtmlParser().ParseDocument(email.HtmlBody);
        Assert.Equal("en", html.DocumentElement.GetAttribute("lang"));
        var newDates = html.QuerySelectorAll("[data-new-eta]").Select(e => e.TextContent.Trim()).ToList();
        Assert.Equal(["Friday, March 20, 2026", "not yet known", "Monday, March 2, 2026"], newDates);
        Assert.Contains("Wednesday, March 11, 2026", html.Body!.TextContent);
        Assert.Contains("19 days later than promised", html.Body.TextContent);
        Assert.Contains("Good news: earlier than previously expected · on the promised date", html.Body.TextContent);
        Assert.Contains("Reason: Supplier delay — Container held at port", html.Body.TextContent);
        Assert.Contains("Friday, March 20, 2026", email.TextBody);
        Assert.Contains("Now expected: not yet known", email.TextBody);
        Assert.Contains("Good news: earlier than previously expected · on the promised date", email.TextBody);
        Assert.Contains("Promised: Sunday, March 1, 2026", email.TextBody);
    }

    [Fact]
    public async Task GermanEmailShowsGermanTextsAndDates()
    {
        var email = await renderer.RenderAsync(Content("de-DE", "Europe/Berlin"), Links.Host);

        Assert.Equal("Ihre Entscheidung ist gefragt: Neue Liefertermine für Aufträge SO-1001 und SO-1002", email.Subject);
        var html = new HtmlParser().ParseDocument(email.HtmlBody);
        Assert.Equal("de", html.DocumentElement.GetAttribute("lang"));
        var newDates = html.QuerySelectorAll("[data-new-eta]").Select(e => e.TextContent.Trim()).ToList();
        Assert.Equal(["Freitag, 20. März 2026", "noch nicht bekannt", "Montag, 2. März 2026"], newDates);
        Assert.Contains("19 Tage später als zugesagt", html.Body!.TextContent);
        Assert.Contains("Gute Nachricht: früher als bisher erwartet · zum zugesagten Termin", html.Body.TextContent);
        Assert.Contains("Grund: Verzögerung beim Lieferanten — Container held at port", html.Body.TextContent);
        Assert.Contains("Jetzt erwartet: Freitag, 20. März 2026", email.TextBody);
        Assert.Contains("Bisher erwartet: Mittwoch, 11. März 2026", email.TextBody);
        Assert.Contains("Neuen Termin annehmen: https://portal.example.com/orders/SO-1001?line=1&respond=accept", email.TextBody);
        // "As of" in Berlin time: 2026-03-01 14:30 UTC is 15:30 there.
        Assert.Contains("15:30 (Europe/Berlin)", email.TextBody);
    }

    [Fact]
    public async Task BritishEmailUsesBritishDateOrder()
    {
        var email = await renderer.RenderAsync(Content("en-GB", "Europe/London"), Links.Host);

        Assert.Contains("Now expected: Friday, 20 March 2026", email.TextBody);
        Assert.Contains("Previously expected: Wednesday, 11 March 2026", email.TextBody);
        Assert.DoesNotContain("March 20,", email.TextBody);
    }

    [Fact]
    public async Task LinksLeadToTheOrderTheResponsesAndTheSettings()
    {
        var email = await renderer.RenderAsync(Content("en-US", "UTC"), Links.Host);

        var html = new HtmlParser().ParseDocument(email.HtmlBody);
        var links = html.QuerySelectorAll("a").Select(a => a.GetAttribute("href")).ToList();
        Assert.Contains("https://portal.example.com/orders/SO-1001", links);
        Assert.Contains("https://portal.example.com/orders/SO-1001?line=1&respond=accept", links);
        Assert.Contains("https://portal.example.com/orders/SO-1001?line=1&respond=cancel", links);
        // A plain delay without consent still offers cancelling (FTC rule), but no accept button.
        Assert.Contains("https://portal.example.com/orders/SO-1001?line=2&respond=cancel", links);
        Assert.DoesNotContain("https://portal.example.com/orders/SO-1001?line=2&respond=accept", links);
        // Good news needs no decision.
        Assert.DoesNotContain("https://portal.example.com/orders/SO-1002?line=3&respond=cancel", links);
        Assert.Contains("https://portal.example.com/settings/notifications", links);
        Assert.Single(html.QuerySelectorAll("[data-consent]"));
    }

    [Fact]
    public async Task ProductNamesAreEncodedNotInjected()
    {
        var content = Content("en-US", "UTC") with { RecipientName = "<b>Evil</b> & Co" };
        var email = await renderer.RenderAsync(content, Links.Host);

        Assert.DoesNotContain("<b>Evil</b>", email.HtmlBody);
        Assert.Contains("&lt;b&gt;Evil&lt;/b&gt; &amp; Co", email.HtmlBody);
    }

    [Fact]
    public async Task CalendarFileHasAnAllDayEventPerKnownNewDate()
    {
        var email = await renderer.RenderAsync(Content("en-US", "UTC"), Links.Host);

        var ics = email.CalendarIcs!;
        Assert.StartsWith("BEGIN:VCALENDAR\r\n", ics);
        Assert.Equal(2, ics.Split("BEGIN:VEVENT").Length - 1);
        Assert.Contains("DTSTART;VALUE=DATE:20260320\r\n", ics);
        Assert.Contains("DTEND;VALUE=DATE:20260321\r\n", ics);
        Assert.Contains("UID:line-1@portal.example.com\r\n", ics);
        Assert.Contains("SEQUENCE:2\r\n", ics);
        Assert.All(ics.Split("\r\n"), line => Assert.True(System.Text.Encoding.UTF8.GetByteCount(line) <= 75, line));
    }

    [Fact]
    public async Task NoCalendarFileWhenNoNewDateIsKnown()
    {
        var content = Content("en-US", "UTC");
        content = content with { Orders = [content.Orders[0] with { Lines = [content.Orders[0].Lines[1]] }] };

        var email = await renderer.RenderAsync(content, Links.Host);

        Assert.Null(email.CalendarIcs);
        Assert.Equal("New delivery date for order SO-1001", email.Subject);
    }

    private static EmailContent Content(string culture, string timeZone)
    {
        EmailLine Line(int id, string order, DateOnly? promised, DateOnly? oldEta, DateOnly? newEta, LineNews news, bool consent, int changes) => new()
        {
            PromisedDate = promised,
            LineId = id,
            OrderNumber = order,
            Sku = $"SKU-{id}",
            ProductName = $"Product {id}",
            QuantityOpen = id * 2,
            OldEta = oldEta,
            NewEta = newEta,
            News = news,
            ReasonCode = news == LineNews.Earlier ? EtaReasonCode.StockArrivedEarly : EtaReasonCode.SupplierDelay,
            ReasonText = news == LineNews.Earlier ? null : "Container held at port",
            ConsentNeeded = consent,
            AcceptUrl = Links.Respond(order, id, "accept"),
            CancelUrl = Links.Respond(order, id, "cancel"),
            ChangeCount = changes,
        };
        return new EmailContent
        {
            Kind = NotificationKind.EtaChanged,
            CustomerName = "Fabrikam Handel GmbH",
            Culture = CultureInfo.GetCultureInfo(culture),
            TimeZone = TimeZoneInfo.FindSystemTimeZoneById(timeZone),
            ComposedAt = new DateTimeOffset(2026, 3, 1, 14, 30, 0, TimeSpan.Zero),
            Orders =
            [
                new EmailOrder("SO-1001", Links.Order("SO-1001"),
                [
                    Line(1, "SO-1001", new DateOnly(2026, 3, 1), new DateOnly(2026, 3, 11), new DateOnly(2026, 3, 20), LineNews.Later, consent: true, changes: 2),
                    Line(2, "SO-1001", new DateOnly(2026, 3, 12), new DateOnly(2026, 3, 12), null, LineNews.DateNowUnknown, consent: false, changes: 1),
                ]),
                new EmailOrder("SO-1002", Links.Order("SO-1002"),
                [
                    Line(3, "SO-1002", new DateOnly(2026, 3, 2), new DateOnly(2026, 3, 9), new DateOnly(2026, 3, 2), LineNews.Earlier, consent: false, changes: 1),
                ]),
            ],
            PortalUrl = Links.Backlog,
            SettingsUrl = Links.Settings,
        };
    }
}
