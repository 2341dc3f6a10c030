using System.Globalization;
using BacklogPortal.Domain;

namespace BacklogPortal.Notifications.Templates;

/// <summary>
/// The fixed wording of notification emails in one language. English and German for now; a
/// customer whose culture speaks another language gets English with their own date formats.
/// </summary>
public abstract class EmailTexts
{
    public static EmailTexts For(CultureInfo culture) =>
        culture.TwoLetterISOLanguageName == "de" ? German.Instance : English.Instance;

    public abstract string LanguageTag { get; }

    public abstract string Greeting(string customerName);

    public abstract string Intro(NotificationKind kind, int lineCount);

    public abstract string AsOf(string dateTime);

    public abstract string Order(string orderNumber);

    public abstract string ViewOrder { get; }

    public abstract string Quantity(int quantity);

    public abstract string PreviouslyExpected { get; }

    public abstract string NowExpected { get; }

    public abstract string NotYetKnown { get; }

    public abstract string News(EmailLine line);

    public abstract string Reason { get; }

    public abstract string ReasonName(EtaReasonCode code);

    /// <summary>The reason as one phrase: the code's name, then the staff's words unless they only repeat it.</summary>
    public string ReasonPhrase(EtaReasonCode code, string? text)
    {
        var name = ReasonName(code);
        return string.IsNullOrWhiteSpace(text) || string.Equals(text.Trim(), name, StringComparison.OrdinalIgnoreCase)
            ? name
            : $"{name} — {text.Trim().ReplaceLineEndings(" ")}";
    }

    public abstract string ConsentNeeded { get; }

    public abstract string NoActionNeeded { get; }

    public abstract string AcceptNewDate { get; }

    public abstract string CancelOpenQuantity { get; }

    public abstract string MoreLines(int count);

    public abstract string WhatHappensNext { get; }

    public abstract string NextUpdate(EmailContent content);

    public abstract string NextDigest(string dateTime, string timeZone);

    public abstract string OpenPortal { get; }

    public abstract string SettingsHint { get; }

    public abstract string NotificationSettings { get; }

    public string Subject(EmailContent content)
    {
        var orders = content.Orders.Select(o => o.OrderNumber).Concat(content.UnlistedOrders).ToList();
        var lines = content.Lines.ToList();
        var named = orders.Count <= 3 ? Join(orders) : Join([.. orders.Take(2), More(orders.Count - 2)]);
        if (lines.All(l => l.News == LineNews.Overdue))
        {
            return OverdueSubject(orders.Count, named);
        }
        var subject = ChangedSubject(orders.Count, content.LineCount, named);
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

    protected abstract string ChangedSubject(int orderCount, int lineCount, string orders);

    protected abstract string OverdueSubject(int orderCount, string orders);

    protected abstract string DailyUpdatePrefix { get; }

    protected abstract string ActionNeededPrefix { get; }

    protected abstract string GoodNewsPrefix { get; }

    protected abstract string And { get; }

    protected abstract string More(int count);

    private string Join(IReadOnlyList<string> items) => items.Count switch
    {
        1 => items[0],
        _ => $"{string.Join(", ", items.Take(items.Count - 1))} {And} {items[^1]}",
    };

    private static string Capitalize(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];

    private sealed class English : EmailTexts
    {
        public static readonly English Instance = new();

        public override string LanguageTag => "en";

        public override string Greeting(string customerName) => $"Hello {customerName},";

        public override string Intro(NotificationKind kind, int lineCount) => kind switch
        {
            NotificationKind.DailyDigest => lineCount == 1
                ? "here is today's summary: the delivery date of one item you ordered has changed."
                : $"here is today's summary: the delivery dates of {lineCount} items you ordered have changed.",
            NotificationKind.OverdueReminder => lineCount == 1
                ? "the expected delivery date of one item you ordered has passed and it has not shipped yet. We are checking with our suppliers and will tell you the new date as soon as we know it."
                : $"the expected delivery date of {lineCount} items you ordered has passed and they have not shipped yet. We are checking with our suppliers and will tell you the new dates as soon as we know them.",
            _ => lineCount == 1
                ? "the expected delivery date of one item you ordered has changed."
                : $"the expected delivery dates of {lineCount} items you ordered have changed.",
        };

        public override string AsOf(string dateTime) => $"As of {dateTime}";

        public override string Order(string orderNumber) => $"Order {orderNumber}";

        public override string ViewOrder => "View order";

        public override string Quantity(int quantity) => quantity == 1 ? "1 unit open" : $"{quantity} units open";

        public override string PreviouslyExpected => "Previously expected";

        public override string NowExpected => "Now expected";

        public override string NotYetKnown => "not yet known";

        public override string News(EmailLine line) => line.News switch
        {
            LineNews.Later => line.DaysMoved == 1 ? "1 day later" : $"{line.DaysMoved} days later",
            LineNews.Earlier => line.DaysMoved == -1 ? "Good news: 1 day earlier" : $"Good news: {-line.DaysMoved} days earlier",
            LineNews.DateNowKnown => "Good news: the date is now known",
            LineNews.DateNowUnknown => "The new date is not yet known",
            _ => "Overdue — we are checking",
        };

        public override string Reason => "Reason";

        // The same words as the portal's pages.
        public override string ReasonName(EtaReasonCode code) => EtaReasonLabels.Label(code);

        public override string ConsentNeeded =>
            "Your decision is needed: please tell us whether you accept the new date or want to cancel the open quantity.";

        public override string NoActionNeeded =>
            "If the new date suits you, there is nothing to do. You may also cancel the open quantity.";

        public override string AcceptNewDate => "Accept the new date";

        public override string CancelOpenQuantity => "Cancel the open quantity";

        public override string MoreLines(int count) =>
            count == 1 ? "…and 1 more item whose date changed. You find it in the portal." : $"…and {count:N0} more items whose dates changed. You find them all in the portal.";

        public override string WhatHappensNext => "What happens next";

        public override string NextUpdate(EmailContent content) =>
            content.Lines.Any(l => l.NewEta is null)
                ? "Where the new date is not yet known, we will email you as soon as we know it. For everything else, you will hear from us again only if a date changes."
                : "You will hear from us again if a date changes. You can always see the current dates in the portal.";

        public override string NextDigest(string dateTime, string timeZone) => $"Your next daily summary comes on {dateTime} ({timeZone}) if anything changes.";

        public override string OpenPortal => "Open my backlog";

        public override string SettingsHint => "You receive these emails about your open orders. You can choose immediate emails, a daily summary or only notices that need your decision.";

        public override string NotificationSettings => "Notification settings";

        protected override string ChangedSubject(int orderCount, int lineCount, string orders) =>
            (orderCount, lineCount) switch
            {
                (1, 1) => $"new delivery date for order {orders}",
                (1, _) => $"new delivery dates for order {orders}",
                _ => $"new delivery dates for orders {orders}",
            };

        protected override string OverdueSubject(int orderCount, string orders) =>
            orderCount == 1
                ? $"Order {orders}: delivery date passed — we are checking"
                : $"Orders {orders}: delivery dates passed — we are checking";

        protected override string DailyUpdatePrefix => "Daily update: ";

        protected override string ActionNeededPrefix => "Action needed: ";

        protected override string GoodNewsPrefix => "Good news: ";

        protected override string And => "and";

        protected override string More(int count) => $"{count} more";
    }

    private sealed class German : EmailTexts
    {
        public static readonly German Instance = new();

        public override string LanguageTag => "de";

        public override string Greeting(string customerName) => $"Guten Tag {customerName},";

        public override string Intro(NotificationKind kind, int lineCount) => kind switch
        {
            NotificationKind.DailyDigest => lineCount == 1
                ? "hier ist die heutige Übersicht: Der Liefertermin einer Position Ihrer Bestellungen hat sich geändert."
                : $"hier ist die heutige Übersicht: Die Liefertermine von {lineCount} Positionen Ihrer Bestellungen haben sich geändert.",
            NotificationKind.OverdueReminder => lineCount == 1
                ? "der erwartete Liefertermin einer Position Ihrer Bestellungen ist verstrichen, und sie ist noch nicht versandt. Wir klären das mit unseren Lieferanten und nennen Ihnen den neuen Termin, sobald wir ihn kennen."
                : $"der erwartete Liefertermin von {lineCount} Positionen Ihrer Bestellungen ist verstrichen, und sie sind noch nicht versandt. Wir klären das mit unseren Lieferanten und nennen Ihnen die neuen Termine, sobald wir sie kennen.",
            _ => lineCount == 1
                ? "der voraussichtliche Liefertermin einer Position Ihrer Bestellungen hat sich geändert."
                : $"die voraussichtlichen Liefertermine von {lineCount} Positionen Ihrer Bestellungen haben sich geändert.",
        };

        public override string AsOf(string dateTime) => $"Stand: {dateTime}";

        public override string Order(string orderNumber) => $"Auftrag {orderNumber}";

        public override string ViewOrder => "Auftrag ansehen";

        public override string Quantity(int quantity) => quantity == 1 ? "1 Stück offen" : $"{quantity} Stück offen";

        public override string PreviouslyExpected => "Bisher erwartet";

        public override string NowExpected => "Jetzt erwartet";

        public override string NotYetKnown => "noch nicht bekannt";

        public override string News(EmailLine line) => line.News switch
        {
            LineNews.Later => line.DaysMoved == 1 ? "1 Tag später" : $"{line.DaysMoved} Tage später",
            LineNews.Earlier => line.DaysMoved == -1 ? "Gute Nachricht: 1 Tag früher" : $"Gute Nachricht: {-line.DaysMoved} Tage früher",
            LineNews.DateNowKnown => "Gute Nachricht: Der Termin steht jetzt fest",
            LineNews.DateNowUnknown => "Der neue Termin ist noch nicht bekannt",
            _ => "Überfällig – wir prüfen das",
        };

        public override string Reason => "Grund";

        public override string ReasonName(EtaReasonCode code) => code switch
        {
            EtaReasonCode.SupplierDelay => "Verzögerung beim Lieferanten",
            EtaReasonCode.Production => "Produktionsplanung",
            EtaReasonCode.Transport => "Transport",
            EtaReasonCode.ReleaseDateMoved => "Erscheinungstermin verschoben",
            EtaReasonCode.StockArrivedEarly => "Ware früher eingetroffen",
            EtaReasonCode.InitialEstimate => "Erste Schätzung",
            _ => "Sonstiges",
        };

        public override string ConsentNeeded =>
            "Ihre Entscheidung ist gefragt: Bitte teilen Sie uns mit, ob Sie den neuen Termin annehmen oder die offene Menge stornieren möchten.";

        public override string NoActionNeeded =>
            "Wenn der neue Termin für Sie passt, müssen Sie nichts tun. Sie können die offene Menge auch stornieren.";

        public override string AcceptNewDate => "Neuen Termin annehmen";

        public override string CancelOpenQuantity => "Offene Menge stornieren";

        public override string MoreLines(int count) =>
            count == 1 ? "…und 1 weitere Position mit geändertem Termin. Sie finden sie im Portal." : $"…und {count.ToString("N0", System.Globalization.CultureInfo.GetCultureInfo("de-DE"))} weitere Positionen mit geänderten Terminen. Sie finden alle im Portal.";

        public override string WhatHappensNext => "Wie es weitergeht";

        public override string NextUpdate(EmailContent content) =>
            content.Lines.Any(l => l.NewEta is null)
                ? "Wo der neue Termin noch nicht bekannt ist, schreiben wir Ihnen, sobald wir ihn kennen. Ansonsten hören Sie nur wieder von uns, wenn sich ein Termin ändert."
                : "Sie hören wieder von uns, wenn sich ein Termin ändert. Die aktuellen Termine sehen Sie jederzeit im Portal.";

        public override string NextDigest(string dateTime, string timeZone) => $"Ihre nächste tägliche Übersicht kommt am {dateTime} ({timeZone}), falls sich etwas ändert.";

        public override string OpenPortal => "Meine offenen Positionen";

        public override string SettingsHint => "Sie erhalten diese E-Mails zu Ihren offenen Bestellungen. Sie können zwischen sofortigen E-Mails, einer täglichen Übersicht und nur entscheidungsrelevanten Mitteilungen wählen.";

        public override string NotificationSettings => "Benachrichtigungseinstellungen";

        protected override string ChangedSubject(int orderCount, int lineCount, string orders) =>
            (orderCount, lineCount) switch
            {
                (1, 1) => $"Neuer Liefertermin für Auftrag {orders}",
                (1, _) => $"Neue Liefertermine für Auftrag {orders}",
                _ => $"Neue Liefertermine für Aufträge {orders}",
            };

        protected override string OverdueSubject(int orderCount, string orders) =>
            orderCount == 1
                ? $"Auftrag {orders}: Liefertermin überschritten – wir prüfen das"
                : $"Aufträge {orders}: Liefertermine überschritten – wir prüfen das";

        protected override string DailyUpdatePrefix => "Tägliche Übersicht: ";

        protected override string ActionNeededPrefix => "Ihre Entscheidung ist gefragt: ";

        protected override string GoodNewsPrefix => "Gute Nachricht: ";

        protected override string And => "und";

        protected override string More(int count) => $"{count} weitere";
    }
}
