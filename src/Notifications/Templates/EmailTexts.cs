using System.Globalization;
using System.Resources;

namespace BacklogPortal.Notifications.Templates;

/// <summary>
/// The fixed wording of notification emails in one language. English and German for now; a
/// customer whose culture speaks another language gets English with their own date formats. The sentences are
/// in <c>EmailTexts.resx</c> (English) and <c>EmailTexts.de.resx</c> (German), keyed by the English text as the
/// pages' are (docs/decisions/012-portal-language.md), so which sentence an email says is decided here once for
/// every language; a sentence missing from a language's file reads in English.
/// </summary>
public sealed class EmailTexts
{
    // A ResourceManager rather than IStringLocalizer: an email is worded in its customer's culture, not in the culture
    // of the thread that composes it (a background service, or a staff user's request).
    private static readonly ResourceManager Resources = new(typeof(EmailTexts));

    private static readonly EmailTexts English = new("en");

    private static readonly EmailTexts German = new("de");

    private readonly CultureInfo language;

    private EmailTexts(string languageTag)
    {
        LanguageTag = languageTag;
        language = CultureInfo.GetCultureInfo(languageTag);
    }

    public static EmailTexts For(CultureInfo culture) => culture.TwoLetterISOLanguageName == "de" ? German : English;

    public string LanguageTag { get; }

    /// <summary>The recipient's own name when the email goes to one known person; otherwise a greeting to nobody in particular.</summary>
    public string Greeting(string? recipientName) =>
        string.IsNullOrWhiteSpace(recipientName) ? T("Hello,") : T("Hello {0},", recipientName.Trim());

    public string Intro(NotificationKind kind, int lineCount) => kind switch
    {
        NotificationKind.DailyDigest => lineCount == 1
            ? T("here is today's summary: the delivery date of one item you ordered has changed.")
            : T("here is today's summary: the delivery dates of {0} items you ordered have changed.", lineCount),
        NotificationKind.OverdueReminder => lineCount == 1
            ? T("the expected delivery date of one item you ordered has passed and it has not shipped yet. We are checking with our suppliers and will tell you the new date as soon as we know it.")
            : T("the expected delivery date of {0} items you ordered has passed and they have not shipped yet. We are checking with our suppliers and will tell you the new dates as soon as we know them.", lineCount),
        _ => lineCount == 1
            ? T("the expected delivery date of one item you ordered has changed.")
            : T("the expected delivery dates of {0} items you ordered have changed.", lineCount),
    };

    /// <summary>The opening sentence for a daily summary that tells of no date.</summary>
    private string DigestIntro => T("here is today's summary.");

    /// <summary>"A shipment is on its way for ..." (first sentence form: no capital, the greeting's comma comes before).</summary>
    private string ShippedIntro(int lineCount) => lineCount == 1
        ? T("a shipment is on its way for one item you ordered.")
        : T("shipments are on their way for {0} items you ordered.", lineCount);

    private string CancelledIntro(int lineCount) => lineCount == 1
        ? T("we had to cancel open quantity of one item you ordered. We are sorry for the inconvenience.")
        : T("we had to cancel open quantity of {0} items you ordered. We are sorry for the inconvenience.", lineCount);

    /// <summary>
    /// The opening: what moved (dates), what shipped, what was cancelled, each said once, in this order. The first
    /// sentence follows the greeting's comma; the ones after it start with a capital.
    /// </summary>
    public string IntroText(EmailContent content)
    {
        var sentences = new List<string>();
        var dated = content.Lines.Where(l => l.HasDateNews).ToList();
        if (content.DateLineCount > 0)
        {
            var kind = content.Kind == NotificationKind.DailyDigest ? NotificationKind.DailyDigest
                : content.UnlistedLines == 0 && dated.All(l => l.News == LineNews.Overdue) ? NotificationKind.OverdueReminder
                : NotificationKind.EtaChanged;
            sentences.Add(Intro(kind, content.DateLineCount));
        }
        else if (content.Kind == NotificationKind.DailyDigest)
        {
            sentences.Add(DigestIntro);
        }
        if (content.Lines.Count(l => l.Shipments.Count > 0) is > 0 and var shipped)
        {
            sentences.Add(ShippedIntro(shipped));
        }
        if (content.Lines.Count(l => l.Cancellations.Count > 0) is > 0 and var cancelled)
        {
            sentences.Add(CancelledIntro(cancelled));
        }
        return string.Join(" ", sentences.Select((sentence, i) => i == 0 ? sentence : Capitalize(sentence)));
    }

    public string AsOf(string dateTime) => T("As of {0}", dateTime);

    public string Order(string orderNumber) => T("Order {0}", orderNumber);

    public string ViewOrder => T("View order");

    public string Quantity(int quantity) => quantity switch
    {
        0 => T("nothing left open"),
        1 => T("1 unit open"),
        _ => T("{0} units open", quantity),
    };

    public string Promised => T("Promised");

    public string PreviouslyExpected => T("Previously expected");

    public string NowExpected => T("Now expected");

    public string NotYetKnown => T("not yet known");

    /// <summary>What happened to the line's date, measured against the promised date as the portal does.</summary>
    public string News(EmailLine line) => line.News switch
    {
        LineNews.Later => AgainstPromised(line.DaysLateAgainstPromised) ?? T("Later than previously expected"),
        LineNews.Earlier => Joined(T("Good news: earlier than previously expected"), AgainstPromised(line.DaysLateAgainstPromised)),
        LineNews.DateNowKnown => Joined(T("Good news: the date is now known"), AgainstPromised(line.DaysLateAgainstPromised)),
        LineNews.DateNowUnknown => T("The new date is not yet known"),
        _ => T("Overdue — we are checking"),
    };

    /// <summary>"43 days later than promised", "on the promised date", ...; null when either date is unknown.</summary>
    private string? AgainstPromised(int? daysLate) => daysLate switch
    {
        null => null,
        0 => T("on the promised date"),
        1 => T("1 day later than promised"),
        -1 => T("1 day earlier than promised"),
        > 0 and var late => T("{0} days later than promised", late),
        var early => T("{0} days earlier than promised", -early),
    };

    public string Reason => T("Reason");

    /// <summary>Label of the date the rest of a partly shipped line is expected on.</summary>
    public string RemainderExpected => T("Rest expected");

    /// <summary>"Shipped: 3 units on Monday, November 30, 2026".</summary>
    public string Shipped(int quantity, string date) =>
        quantity == 1 ? T("Shipped: 1 unit on {0}", date) : T("Shipped: {0} units on {1}", quantity, date);

    public string Carrier => T("Carrier");

    public string TrackingNumber => T("Tracking number");

    /// <summary>"Cancelled: 2 units".</summary>
    public string Cancelled(int quantity) => quantity == 1 ? T("Cancelled: 1 unit") : T("Cancelled: {0} units", quantity);

    // The same words as the portal's pages, translated.
    public string ReasonName(EtaReasonCode code) => T(EtaReasonLabels.Label(code));

    /// <summary>The reason as one phrase: the code's name, then the staff's words unless they only repeat it.</summary>
    public string ReasonPhrase(EtaReasonCode code, string? text)
    {
        var name = ReasonName(code);
        return string.IsNullOrWhiteSpace(text) || string.Equals(text.Trim(), name, StringComparison.OrdinalIgnoreCase)
            ? name
            : $"{name} — {text.Trim().ReplaceLineEndings(" ")}";
    }

    /// <summary>The decision asked for; with the new date unknown, accepting means agreeing to wait for it.</summary>
    public string ConsentNeeded(EmailLine line) => line.NewEta is null
        ? T("Your decision is needed: please tell us whether you agree to wait until we know the new date, or want to cancel the open quantity.")
        : T("Your decision is needed: please tell us whether you accept the new date or want to cancel the open quantity.");

    /// <summary>For a delay that needs no answer; says nothing about a new date the email does not give.</summary>
    public string NoActionNeeded(EmailLine line) => line.News switch
    {
        LineNews.Later => T("If the new date suits you, there is nothing to do. You may also cancel the open quantity."),
        _ => T("There is nothing you need to do now: we will tell you the new date as soon as we know it. You may also cancel the open quantity."),
    };

    public string AcceptNewDate(EmailLine line) => line.NewEta is null ? T("Agree to wait") : T("Accept the new date");

    public string CancelOpenQuantity => T("Cancel the open quantity");

    public string MoreLines(int count) => count == 1
        ? T("…and 1 more item whose date changed. You find it in the portal.")
        : T("…and {0:N0} more items whose dates changed. You find them all in the portal.", count);

    public string WhatHappensNext => T("What happens next");

    public string NextUpdate(EmailContent content) =>
        content.Lines.Any(l => l.NewEta is null && l.QuantityOpen > 0)
            ? T("Where the new date is not yet known, we will email you as soon as we know it. For everything else, you will hear from us again only if a date changes.")
            : T("You will hear from us again if a date changes. You can always see the current dates in the portal.");

    public string NextDigest(string dateTime, string timeZone) => T("Your next daily summary comes on {0} ({1}) if anything changes.", dateTime, timeZone);

    public string OpenPortal => T("Open my backlog");

    /// <summary>The footer: what the settings page offers, and the choice the customer made there.</summary>
    public string SettingsHint(NotificationPreference preference) => preference switch
    {
        NotificationPreference.DailyDigest =>
            T("You chose one summary a day when delivery dates change. In your notification settings you can switch to an email on every change or to only the notices that need your decision, and choose the hour of the summary, who receives these emails, their language and time zone."),
        NotificationPreference.EssentialOnly =>
            T("You chose to receive only the notices that need your decision. In your notification settings you can switch to an email on every change or to a daily summary, and choose who receives these emails, their language and time zone."),
        _ =>
            T("You receive an email whenever a delivery date of your open orders changes. In your notification settings you can switch to a daily summary or to only the notices that need your decision, and choose who receives these emails, their language and time zone."),
    };

    public string NotificationSettings => T("Notification settings");

    /// <summary>The subject of the confirmation of a customer's answer.</summary>
    public string AnswerSubject(CustomerResponse response, string orderNumber) => response == CustomerResponse.CancelledOpenQuantity
        ? T("Cancellation confirmed: order {0}", orderNumber)
        : T("Your answer is recorded: order {0}", orderNumber);

    /// <summary>What the customer answered, in one sentence that states the date only when it is known.</summary>
    /// <param name="eta">The date they accepted, already formatted; null: not yet known.</param>
    public string AnswerRecorded(CustomerResponse response, string productName, string sku, string orderNumber, int quantityOpen, string? eta) =>
        (response, eta, quantityOpen) switch
        {
            (CustomerResponse.CancelledOpenQuantity, _, 1) =>
                T("you cancelled the open quantity (1 unit) of {0} ({1}) in order {2}. We will not ship it.", productName, sku, orderNumber),
            (CustomerResponse.CancelledOpenQuantity, _, _) =>
                T("you cancelled the open quantity ({0} units) of {1} ({2}) in order {3}. We will not ship it.", quantityOpen, productName, sku, orderNumber),
            (_, null, _) =>
                T("you agreed to wait for {0} ({1}) in order {2}. The new delivery date is not yet known; we will tell you as soon as we know it.", productName, sku, orderNumber),
            _ =>
                T("you accepted the new delivery date of {0} ({1}) in order {2}: {3}. We ship as soon as the goods are ready.", productName, sku, orderNumber, eta),
        };

    public string AnsweredBy(string who, string when) => T("Answered by {0} on {1}.", who, when);

    public string Subject(EmailContent content)
    {
        var orders = content.Orders.Select(o => o.OrderNumber).Concat(content.UnlistedOrders).ToList();
        var lines = content.Lines.Where(l => l.HasDateNews).ToList();
        var named = orders.Count <= 3 ? Join(orders) : Join([.. orders.Take(2), More(orders.Count - 2)]);
        if (content.DateLineCount == 0)
        {
            // Only shipments and cancellations: no date moved, so the subject says what happened instead.
            var fulfilment = FulfilmentSubject(orders.Count, named,
                shipped: content.Lines.Any(l => l.Shipments.Count > 0), cancelled: content.Lines.Any(l => l.Cancellations.Count > 0));
            return content.Kind == NotificationKind.DailyDigest ? $"{DailyUpdatePrefix}{fulfilment}" : Capitalize(fulfilment);
        }
        if (content.UnlistedLines == 0 && lines.All(l => l.News == LineNews.Overdue))
        {
            return OverdueSubject(orders.Count, named);
        }
        var subject = ChangedSubject(orders.Count, content.DateLineCount, named);
        if (content.Kind == NotificationKind.DailyDigest)
        {
            return $"{DailyUpdatePrefix}{subject}";
        }
        if (lines.Any(l => l.ConsentNeeded))
        {
            return $"{ActionNeededPrefix}{subject}";
        }
        return lines.All(l => l.News == LineNews.Earlier) ? $"{GoodNewsPrefix}{subject}" : Capitalize(subject);
    }

    private string ChangedSubject(int orderCount, int lineCount, string orders) =>
        (orderCount, lineCount) switch
        {
            (1, 1) => T("new delivery date for order {0}", orders),
            (1, _) => T("new delivery dates for order {0}", orders),
            _ => T("new delivery dates for orders {0}", orders),
        };

    private string OverdueSubject(int orderCount, string orders) =>
        orderCount == 1
            ? T("Order {0}: delivery date passed — we are checking", orders)
            : T("Orders {0}: delivery dates passed — we are checking", orders);

    /// <summary>The subject of an email that tells only of shipments and cancellations; no capital (a prefix may come first).</summary>
    private string FulfilmentSubject(int orderCount, string orders, bool shipped, bool cancelled) =>
        (shipped, cancelled, orderCount) switch
        {
            (true, false, 1) => T("shipment for order {0}", orders),
            (true, false, _) => T("shipments for orders {0}", orders),
            (false, true, 1) => T("quantity cancelled in order {0}", orders),
            (false, true, _) => T("quantities cancelled in orders {0}", orders),
            (_, _, 1) => T("shipment and cancellation for order {0}", orders),
            _ => T("shipments and cancellations for orders {0}", orders),
        };

    private string DailyUpdatePrefix => T("Daily update: ");

    private string ActionNeededPrefix => T("Action needed: ");

    private string GoodNewsPrefix => T("Good news: ");

    private string And => T("and");

    private string More(int count) => T("{0} more", count);

    private string Join(IReadOnlyList<string> items) => items.Count switch
    {
        1 => items[0],
        _ => $"{string.Join(", ", items.Take(items.Count - 1))} {And} {items[^1]}",
    };

    private static string Joined(string first, string? second) => second is null ? first : $"{first} · {second}";

    private static string Capitalize(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];

    // The key is the English text, so a sentence missing from a language's file reads in English rather than as a key.
    private string T(string english) => Resources.GetString(english, language) ?? english;

    // Numbers in the language's own format ("1.234" in German).
    private string T(string english, params object?[] values) => string.Format(language, T(english), values);
}
