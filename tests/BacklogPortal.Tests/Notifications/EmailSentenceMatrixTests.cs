using System.Globalization;
using AngleSharp.Html.Parser;
using BacklogPortal.Components.Account;
using BacklogPortal.Domain;
using BacklogPortal.Notifications;
using BacklogPortal.Notifications.Templates;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace BacklogPortal.Tests.Notifications;

/// <summary>
/// Every kind of email in English and German, rendered by the real templates: the sentences each must
/// say, and the ones it must not (a promise without a date, the company greeted as a person, a footer
/// that offers what the customer already chose). Both parts are checked: the HTML as read, and the text.
/// The answer confirmation is rendered through the real answer path in <see cref="AnswerAuditTests"/>; shipments and
/// cancellations composed from real outbox entries in <c>Fulfilment/FulfilmentBatchTests</c>.
/// </summary>
public sealed class EmailSentenceMatrixTests : IAsyncLifetime
{
    private static readonly PortalLinks Links = new("https://portal.example.com/");
    private static readonly DateOnly Promised = new(2026, 3, 1);
    private const string Company = "Fabrikam Handel GmbH";

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

    public enum Kind
    {
        DelayNeedingDecision,
        DelayWithinSilentConsent,
        EarlierDate,
        UnknownDate,
        UnknownDateNeedingDecision,
        Overdue,
        Digest,
        Shipment,
        Cancellation,
        ShipmentWithDelay,
    }

    public static TheoryData<Kind, string, string[], string[]> Notifications => new()
    {
        {
            Kind.DelayNeedingDecision, "en-US",
            ["Hello Rita Weber,", "Promised: Sunday, March 1, 2026", "Previously expected: Wednesday, March 11, 2026", "Now expected: Monday, April 20, 2026",
                "50 days later than promised", "Your decision is needed", "Accept the new date: https://", "Cancel the open quantity: https://",
                "You receive an email whenever a delivery date of your open orders changes."],
            ["If the new date suits you", "Hello Fabrikam", "40 days later", "Agree to wait", "coming soon", "immediate emails"]
        },
        {
            Kind.DelayNeedingDecision, "de-DE",
            ["Guten Tag Rita Weber,", "Zugesagt: Sonntag, 1. März 2026", "Bisher erwartet: Mittwoch, 11. März 2026", "Jetzt erwartet: Montag, 20. April 2026",
                "50 Tage später als zugesagt", "Ihre Entscheidung ist gefragt", "Neuen Termin annehmen: https://",
                "Sie erhalten eine E-Mail, sobald sich ein Liefertermin Ihrer offenen Bestellungen ändert."],
            ["Wenn der neue Termin für Sie passt", "Guten Tag Fabrikam", "40 Tage später"]
        },
        {
            Kind.DelayWithinSilentConsent, "en-US",
            ["Hello,", "Promised: Sunday, March 1, 2026", "19 days later than promised", "If the new date suits you, there is nothing to do.",
                "Cancel the open quantity: https://"],
            ["Your decision is needed", "Hello Fabrikam", "Accept the new date"]
        },
        {
            Kind.DelayWithinSilentConsent, "de-DE",
            ["Guten Tag,", "19 Tage später als zugesagt", "Wenn der neue Termin für Sie passt, müssen Sie nichts tun."],
            ["Ihre Entscheidung ist gefragt", "Guten Tag Fabrikam"]
        },
        {
            Kind.EarlierDate, "en-US",
            ["Good news: earlier than previously expected · 2 days earlier than promised", "Now expected: Friday, February 27, 2026"],
            ["If the new date suits you", "Your decision is needed", "Cancel the open quantity", "Hello Fabrikam"]
        },
        {
            Kind.EarlierDate, "de-DE",
            ["Gute Nachricht: früher als bisher erwartet · 2 Tage früher als zugesagt"],
            ["Wenn der neue Termin für Sie passt", "Offene Menge stornieren"]
        },
        {
            Kind.UnknownDate, "en-US",
            ["Now expected: not yet known", "The new date is not yet known",
                "There is nothing you need to do now: we will tell you the new date as soon as we know it.",
                "Where the new date is not yet known, we will email you as soon as we know it."],
            ["If the new date suits you", "Accept the new date", "days later", "than promised"]
        },
        {
            Kind.UnknownDate, "de-DE",
            ["Jetzt erwartet: noch nicht bekannt", "Sie müssen jetzt nichts tun: Wir nennen Ihnen den neuen Termin, sobald wir ihn kennen."],
            ["Wenn der neue Termin für Sie passt", "Neuen Termin annehmen", "als zugesagt"]
        },
        {
            Kind.UnknownDateNeedingDecision, "en-US",
            ["whether you agree to wait until we know the new date, or want to cancel the open quantity", "Agree to wait: https://"],
            ["Accept the new date", "whether you accept the new date", "If the new date suits you"]
        },
        {
            Kind.UnknownDateNeedingDecision, "de-DE",
            ["ob Sie warten möchten, bis wir den neuen Termin kennen", "Warten: https://"],
            ["Neuen Termin annehmen", "ob Sie den neuen Termin annehmen"]
        },
        {
            Kind.Overdue, "en-US",
            ["Overdue — we are checking", "We are checking with our suppliers and will tell you the new date as soon as we know it.",
                "There is nothing you need to do now: we will tell you the new date as soon as we know it.", "Previously expected: Wednesday, March 11, 2026"],
            ["If the new date suits you", "Now expected", "Accept the new date", "Hello Fabrikam"]
        },
        {
            Kind.Overdue, "de-DE",
            ["Überfällig – wir prüfen das", "Sie müssen jetzt nichts tun: Wir nennen Ihnen den neuen Termin, sobald wir ihn kennen."],
            ["Wenn der neue Termin für Sie passt", "Jetzt erwartet", "Neuen Termin annehmen"]
        },
        {
            Kind.Digest, "en-US",
            ["here is today's summary", "Your next daily summary comes on", "You chose one summary a day when delivery dates change.",
                "choose the hour of the summary"],
            ["You receive an email whenever", "switch to a daily summary", "Hello Fabrikam"]
        },
        {
            Kind.Digest, "de-DE",
            ["hier ist die heutige Übersicht", "Sie haben eine tägliche Übersicht gewählt", "die Uhrzeit der Übersicht"],
            ["Sie erhalten eine E-Mail, sobald", "zu einer täglichen Übersicht"]
        },
        {
            Kind.Shipment, "en-US",
            ["a shipment is on its way for one item you ordered.", "Shipped: 2 units on Friday, February 27, 2026", "Carrier: DHL", "Tracking number: JD0012",
                "Rest expected: Wednesday, March 11, 2026", "3 units open"],
            ["Previously expected", "Now expected", "Your decision is needed", "Cancel the open quantity", "than promised", "Hello Fabrikam", "had to cancel"]
        },
        {
            Kind.Shipment, "de-DE",
            ["für eine Position Ihrer Bestellungen ist eine Sendung unterwegs.", "Versandt: 2 Stück am Freitag, 27. Februar 2026", "Versanddienstleister: DHL",
                "Sendungsnummer: JD0012", "Rest erwartet: Mittwoch, 11. März 2026"],
            ["Bisher erwartet", "Jetzt erwartet", "Offene Menge stornieren", "als zugesagt"]
        },
        {
            Kind.Cancellation, "en-US",
            ["we had to cancel open quantity of one item you ordered. We are sorry for the inconvenience.", "Cancelled: 3 units",
                "Reason: Discontinued by the maker", "nothing left open"],
            ["Rest expected", "Now expected", "Shipped:", "Where the new date is not yet known", "Cancel the open quantity"]
        },
        {
            Kind.Cancellation, "de-DE",
            ["wir mussten offene Menge einer Position Ihrer Bestellungen stornieren. Wir bitten um Entschuldigung.", "Storniert: 3 Stück",
                "Grund: Discontinued by the maker", "nichts mehr offen"],
            ["Rest erwartet", "Versandt", "Jetzt erwartet"]
        },
        {
            Kind.ShipmentWithDelay, "en-US",
            ["the expected delivery date of one item you ordered has changed. A shipment is on its way for one item you ordered.",
                "Now expected: Friday, March 20, 2026", "Shipped: 2 units on Friday, February 27, 2026", "If the new date suits you, there is nothing to do."],
            ["Rest expected", "had to cancel"]
        },
        {
            Kind.ShipmentWithDelay, "de-DE",
            ["der voraussichtliche Liefertermin einer Position Ihrer Bestellungen hat sich geändert. Für eine Position Ihrer Bestellungen ist eine Sendung unterwegs.",
                "Jetzt erwartet: Freitag, 20. März 2026", "Versandt: 2 Stück am Freitag, 27. Februar 2026"],
            ["Rest erwartet"]
        },
    };

    public static TheoryData<Kind, string, string> Subjects => new()
    {
        { Kind.Shipment, "en-US", "Shipment for order SO-1001" },
        { Kind.Shipment, "de-DE", "Versand zu Auftrag SO-1001" },
        { Kind.Cancellation, "en-US", "Quantity cancelled in order SO-1001" },
        { Kind.Cancellation, "de-DE", "Stornierung in Auftrag SO-1001" },
        // The date is what the customer may need to act on: it leads the subject when both happened.
        { Kind.ShipmentWithDelay, "en-US", "New delivery date for order SO-1001" },
        { Kind.DelayNeedingDecision, "en-US", "Action needed: new delivery date for order SO-1001" },
    };

    [Theory]
    [MemberData(nameof(Subjects))]
    public async Task SubjectSaysWhatHappened(Kind kind, string culture, string subject)
    {
        var email = await renderer.RenderAsync(Content(kind, culture), Links.Host);

        Assert.Equal(subject, email.Subject);
    }

    [Fact]
    public async Task CalendarFileLeavesOutLinesWhoseDateDidNotChange()
    {
        var shipment = await renderer.RenderAsync(Content(Kind.Shipment, "en-US"), Links.Host);
        var delayed = await renderer.RenderAsync(Content(Kind.ShipmentWithDelay, "en-US"), Links.Host);

        Assert.Null(shipment.CalendarIcs);
        Assert.Contains("DTSTART;VALUE=DATE:20260320", delayed.CalendarIcs);
    }

    [Theory]
    [MemberData(nameof(Notifications))]
    public async Task NotificationEmailSaysWhatIsTrueAndNothingElse(Kind kind, string culture, string[] must, string[] mustNot)
    {
        var email = await renderer.RenderAsync(Content(kind, culture), Links.Host);

        var html = new HtmlParser().ParseDocument(email.HtmlBody).Body!.TextContent;
        var text = email.TextBody;
        Assert.NotEmpty(must);
        foreach (var sentence in must)
        {
            Assert.Contains(sentence, text);
            // The HTML lays labels and values out in table cells; its sentences are checked without the "label: value" form.
            if (!sentence.Contains(": ", StringComparison.Ordinal))
            {
                Assert.Contains(sentence, html);
            }
        }
        foreach (var sentence in mustNot)
        {
            Assert.DoesNotContain(sentence, text);
            Assert.DoesNotContain(sentence, html);
        }
        // The company never appears as the one greeted.
        Assert.DoesNotContain($", {Company}", text.Split('\n')[0]);
    }

    [Fact]
    public async Task CalendarFileLeavesOutEveryUnknownDate()
    {
        var unknown = await renderer.RenderAsync(Content(Kind.UnknownDate, "en-US"), Links.Host);
        var overdue = await renderer.RenderAsync(Content(Kind.Overdue, "en-US"), Links.Host);
        var known = await renderer.RenderAsync(Content(Kind.DelayNeedingDecision, "en-US"), Links.Host);

        Assert.Null(unknown.CalendarIcs);
        Assert.Null(overdue.CalendarIcs);
        Assert.Contains("DTSTART;VALUE=DATE:20260420", known.CalendarIcs);
    }

    public static TheoryData<string, string, string[], string[]> AccountEmails => new()
    {
        { "confirm", "en-US", ["Hello Rita Weber,", "Please confirm your email address", "Confirm email address: https://portal.example.com/x?code=abc&userId=1"], ["Guten Tag", "&amp;"] },
        { "confirm", "de-DE", ["Guten Tag Rita Weber,", "Bitte bestätigen Sie Ihre E-Mail-Adresse", "E-Mail-Adresse bestätigen: https://"], ["Hello", "Please"] },
        { "reset", "en-US", ["Hello Rita Weber,", "asked to reset the password", "Reset password: https://"], ["Guten Tag"] },
        { "reset", "de-DE", ["Guten Tag Rita Weber,", "Passwort zurücksetzen: https://"], ["Hello"] },
        { "invite-customer", "en-US", ["You have been given access to BacklogPortal for Fabrikam Handel GmbH.", "Choose your password: https://"], ["as staff"] },
        { "invite-customer", "de-DE", ["Sie haben Zugang zu BacklogPortal für Fabrikam Handel GmbH erhalten.", "Passwort wählen: https://"], ["for Fabrikam"] },
        { "invite-staff", "en-US", ["You have been given access to BacklogPortal as staff."], ["for Fabrikam"] },
        { "exists", "en-US", ["which has an account already", "reset the password (https://portal.example.com/Account/ForgotPassword)", "Sign in: https://"], ["<a href"] },
        { "exists", "de-DE", ["besteht bereits ein Konto", "setzen Sie das Passwort zurück (https://portal.example.com/Account/ForgotPassword)", "Anmelden: https://"], ["<a href"] },
    };

    [Theory]
    [MemberData(nameof(AccountEmails))]
    public void AccountEmailSpeaksTheCustomersLanguageAndGreetsThePerson(string which, string culture, string[] must, string[] mustNot)
    {
        var texts = AccountEmailTexts.For(CultureInfo.GetCultureInfo(culture));
        // Identity hands links over HTML-encoded; the text part must carry them decoded.
        const string link = "https://portal.example.com/x?code=abc&amp;userId=1";
        var email = which switch
        {
            "confirm" => texts.ConfirmAddress("Rita Weber", link),
            "reset" => texts.ResetPassword("Rita Weber", link),
            "invite-customer" => texts.Invitation("Rita Weber", Company, link),
            "invite-staff" => texts.Invitation(null, null, link),
            _ => texts.AccountExists(null, "https://portal.example.com/Account/Login", "https://portal.example.com/Account/ForgotPassword"),
        };
        var text = IdentityEmailSender.Text(email);
        var html = new HtmlParser().ParseDocument(IdentityEmailSender.Html(email)).Body!.TextContent;

        Assert.NotEmpty(must);
        foreach (var sentence in must)
        {
            Assert.Contains(sentence, text);
        }
        foreach (var sentence in mustNot)
        {
            Assert.DoesNotContain(sentence, text);
        }
        Assert.Contains(email.Greeting, html);
    }

    private static EmailContent Content(Kind kind, string culture)
    {
        var old = new DateOnly(2026, 3, 11);
        var (news, newEta, consent) = kind switch
        {
            Kind.DelayNeedingDecision => (LineNews.Later, (DateOnly?)new DateOnly(2026, 4, 20), true),
            Kind.DelayWithinSilentConsent => (LineNews.Later, new DateOnly(2026, 3, 20), false),
            Kind.EarlierDate => (LineNews.Earlier, new DateOnly(2026, 2, 27), false),
            Kind.UnknownDate => (LineNews.DateNowUnknown, null, false),
            Kind.UnknownDateNeedingDecision => (LineNews.DateNowUnknown, null, true),
            Kind.Overdue => (LineNews.Overdue, null, false),
            Kind.Shipment or Kind.Cancellation => (LineNews.DateUnchanged, old, false),
            _ => (LineNews.Later, new DateOnly(2026, 3, 20), false),
        };
        var line = new EmailLine
        {
            LineId = 7,
            OrderNumber = "SO-1001",
            Sku = "SKU-7",
            ProductName = "Espresso grinder",
            QuantityOpen = kind == Kind.Cancellation ? 0 : 3,
            PromisedDate = Promised,
            OldEta = old,
            NewEta = newEta,
            News = news,
            ReasonCode = news is LineNews.Overdue or LineNews.DateUnchanged ? null : EtaReasonCode.SupplierDelay,
            Shipments = kind is Kind.Shipment or Kind.ShipmentWithDelay ? [new EmailShipment(2, new DateOnly(2026, 2, 27), "DHL", "JD0012")] : [],
            Cancellations = kind == Kind.Cancellation ? [new EmailCancellation(3, "Discontinued by the maker")] : [],
            ConsentNeeded = consent,
            AcceptUrl = Links.Respond("SO-1001", 7, "accept"),
            CancelUrl = Links.Respond("SO-1001", 7, "cancel"),
            ChangeCount = 2,
        };
        var digest = kind == Kind.Digest;
        return new EmailContent
        {
            Kind = digest ? NotificationKind.DailyDigest : kind switch
            {
                Kind.Overdue => NotificationKind.OverdueReminder,
                Kind.Shipment => NotificationKind.ShipmentRecorded,
                Kind.Cancellation => NotificationKind.QuantityCancelled,
                _ => NotificationKind.EtaChanged,
            },
            CustomerName = Company,
            RecipientName = kind == Kind.DelayNeedingDecision ? "Rita Weber" : null,
            Preference = digest ? NotificationPreference.DailyDigest : NotificationPreference.Immediate,
            Culture = CultureInfo.GetCultureInfo(culture),
            TimeZone = TimeZoneInfo.Utc,
            ComposedAt = new DateTimeOffset(2026, 3, 1, 14, 30, 0, TimeSpan.Zero),
            Orders = [new EmailOrder("SO-1001", Links.Order("SO-1001"), [line])],
            PortalUrl = Links.Backlog,
            SettingsUrl = Links.Settings,
            NextDigestAt = digest ? new DateTimeOffset(2026, 3, 2, 7, 0, 0, TimeSpan.Zero) : null,
        };
    }
}
