using System.Globalization;

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

    /// <summary>The recipient's own name when the email goes to one known person; otherwise a greeting to nobody in particular.</summary>
    public abstract string Greeting(string? recipientName);

    public abstract string Intro(NotificationKind kind, int lineCount);

    /// <summary>The opening sentence for a daily summary that tells of no date.</summary>
    protected abstract string DigestIntro { get; }

    /// <summary>"A shipment is on its way for ..." (first sentence form: no capital, the greeting's comma comes before).</summary>
    protected abstract string ShippedIntro(int lineCount);

    protected abstract string CancelledIntro(int lineCount);

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

    public abstract string AsOf(string dateTime);

    public abstract string Order(string orderNumber);

    public abstract string ViewOrder { get; }

    public abstract string Quantity(int quantity);

    public abstract string Promised { get; }

    public abstract string PreviouslyExpected { get; }

    public abstract string NowExpected { get; }

    public abstract string NotYetKnown { get; }

    /// <summary>What happened to the line's date, measured against the promised date as the portal does.</summary>
    public abstract string News(EmailLine line);

    /// <summary>"43 days later than promised", "on the promised date", ...; null when either date is unknown.</summary>
    protected abstract string? AgainstPromised(int? daysLate);

    public abstract string Reason { get; }

    /// <summary>Label of the date the rest of a partly shipped line is expected on.</summary>
    public abstract string RemainderExpected { get; }

    /// <summary>"Shipped: 3 units on Monday, November 30, 2026".</summary>
    public abstract string Shipped(int quantity, string date);

    public abstract string Carrier { get; }

    public abstract string TrackingNumber { get; }

    /// <summary>"Cancelled: 2 units".</summary>
    public abstract string Cancelled(int quantity);

    public abstract string ReasonName(EtaReasonCode code);

    /// <summary>The reason as one phrase: the code's name, then the staff's words unless they only repeat it.</summary>
    public string ReasonPhrase(EtaReasonCode code, string? text)
    {
        var name = ReasonName(code);
        return string.IsNullOrWhiteSpace(text) || string.Equals(text.Trim(), name, StringComparison.OrdinalIgnoreCase)
            ? name
            : $"{name} — {text.Trim().ReplaceLineEndings(" ")}";
    }

    /// <summary>The decision asked for; with the new date unknown, accepting means agreeing to wait for it.</summary>
    public abstract string ConsentNeeded(EmailLine line);

    /// <summary>For a delay that needs no answer; says nothing about a new date the email does not give.</summary>
    public abstract string NoActionNeeded(EmailLine line);

    public abstract string AcceptNewDate(EmailLine line);

    public abstract string CancelOpenQuantity { get; }

    public abstract string MoreLines(int count);

    public abstract string WhatHappensNext { get; }

    public abstract string NextUpdate(EmailContent content);

    public abstract string NextDigest(string dateTime, string timeZone);

    public abstract string OpenPortal { get; }

    /// <summary>The footer: what the settings page offers, and the choice the customer made there.</summary>
    public abstract string SettingsHint(NotificationPreference preference);

    public abstract string NotificationSettings { get; }

    /// <summary>The subject of the confirmation of a customer's answer.</summary>
    public abstract string AnswerSubject(CustomerResponse response, string orderNumber);

    /// <summary>What the customer answered, in one sentence that states the date only when it is known.</summary>
    /// <param name="eta">The date they accepted, already formatted; null: not yet known.</param>
    public abstract string AnswerRecorded(CustomerResponse response, string productName, string sku, string orderNumber, int quantityOpen, string? eta);

    public abstract string AnsweredBy(string who, string when);

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

    protected abstract string ChangedSubject(int orderCount, int lineCount, string orders);

    protected abstract string OverdueSubject(int orderCount, string orders);

    /// <summary>The subject of an email that tells only of shipments and cancellations; no capital (a prefix may come first).</summary>
    protected abstract string FulfilmentSubject(int orderCount, string orders, bool shipped, bool cancelled);

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

    private static string Joined(string first, string? second) => second is null ? first : $"{first} · {second}";

    private static string Capitalize(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];

    private sealed class English : EmailTexts
    {
        public static readonly English Instance = new();

        public override string LanguageTag => "en";

        public override string Greeting(string? recipientName) => string.IsNullOrWhiteSpace(recipientName) ? "Hello," : $"Hello {recipientName.Trim()},";

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

        protected override string DigestIntro => "here is today's summary.";

        protected override string ShippedIntro(int lineCount) => lineCount == 1
            ? "a shipment is on its way for one item you ordered."
            : $"shipments are on their way for {lineCount} items you ordered.";

        protected override string CancelledIntro(int lineCount) => lineCount == 1
            ? "we had to cancel open quantity of one item you ordered. We are sorry for the inconvenience."
            : $"we had to cancel open quantity of {lineCount} items you ordered. We are sorry for the inconvenience.";

        public override string AsOf(string dateTime) => $"As of {dateTime}";

        public override string Order(string orderNumber) => $"Order {orderNumber}";

        public override string ViewOrder => "View order";

        public override string Quantity(int quantity) => quantity switch
        {
            0 => "nothing left open",
            1 => "1 unit open",
            _ => $"{quantity} units open",
        };

        public override string Promised => "Promised";

        public override string PreviouslyExpected => "Previously expected";

        public override string NowExpected => "Now expected";

        public override string NotYetKnown => "not yet known";

        public override string News(EmailLine line) => line.News switch
        {
            LineNews.Later => AgainstPromised(line.DaysLateAgainstPromised) ?? "Later than previously expected",
            LineNews.Earlier => Joined("Good news: earlier than previously expected", AgainstPromised(line.DaysLateAgainstPromised)),
            LineNews.DateNowKnown => Joined("Good news: the date is now known", AgainstPromised(line.DaysLateAgainstPromised)),
            LineNews.DateNowUnknown => "The new date is not yet known",
            _ => "Overdue — we are checking",
        };

        protected override string? AgainstPromised(int? daysLate) => daysLate switch
        {
            null => null,
            0 => "on the promised date",
            1 => "1 day later than promised",
            -1 => "1 day earlier than promised",
            > 0 and var late => $"{late} days later than promised",
            var early => $"{-early} days earlier than promised",
        };

        public override string Reason => "Reason";

        public override string RemainderExpected => "Rest expected";

        public override string Shipped(int quantity, string date) => $"Shipped: {Units(quantity)} on {date}";

        public override string Carrier => "Carrier";

        public override string TrackingNumber => "Tracking number";

        public override string Cancelled(int quantity) => $"Cancelled: {Units(quantity)}";

        // The same words as the portal's pages.
        public override string ReasonName(EtaReasonCode code) => EtaReasonLabels.Label(code);

        public override string ConsentNeeded(EmailLine line) => line.NewEta is null
            ? "Your decision is needed: please tell us whether you agree to wait until we know the new date, or want to cancel the open quantity."
            : "Your decision is needed: please tell us whether you accept the new date or want to cancel the open quantity.";

        public override string NoActionNeeded(EmailLine line) => line.News switch
        {
            LineNews.Later => "If the new date suits you, there is nothing to do. You may also cancel the open quantity.",
            _ => "There is nothing you need to do now: we will tell you the new date as soon as we know it. You may also cancel the open quantity.",
        };

        public override string AcceptNewDate(EmailLine line) => line.NewEta is null ? "Agree to wait" : "Accept the new date";

        public override string CancelOpenQuantity => "Cancel the open quantity";

        public override string MoreLines(int count) =>
            count == 1 ? "…and 1 more item whose date changed. You find it in the portal." : $"…and {count:N0} more items whose dates changed. You find them all in the portal.";

        public override string WhatHappensNext => "What happens next";

        public override string NextUpdate(EmailContent content) =>
            content.Lines.Any(l => l.NewEta is null && l.QuantityOpen > 0)
                ? "Where the new date is not yet known, we will email you as soon as we know it. For everything else, you will hear from us again only if a date changes."
                : "You will hear from us again if a date changes. You can always see the current dates in the portal.";

        public override string NextDigest(string dateTime, string timeZone) => $"Your next daily summary comes on {dateTime} ({timeZone}) if anything changes.";

        public override string OpenPortal => "Open my backlog";

        public override string SettingsHint(NotificationPreference preference) => preference switch
        {
            NotificationPreference.DailyDigest =>
                "You chose one summary a day when delivery dates change. In your notification settings you can switch to an email on every change or to only the notices that need your decision, and choose the hour of the summary, who receives these emails, their language and time zone.",
            NotificationPreference.EssentialOnly =>
                "You chose to receive only the notices that need your decision. In your notification settings you can switch to an email on every change or to a daily summary, and choose who receives these emails, their language and time zone.",
            _ =>
                "You receive an email whenever a delivery date of your open orders changes. In your notification settings you can switch to a daily summary or to only the notices that need your decision, and choose who receives these emails, their language and time zone.",
        };

        public override string NotificationSettings => "Notification settings";

        public override string AnswerSubject(CustomerResponse response, string orderNumber) => response == CustomerResponse.CancelledOpenQuantity
            ? $"Cancellation confirmed: order {orderNumber}"
            : $"Your answer is recorded: order {orderNumber}";

        public override string AnswerRecorded(CustomerResponse response, string productName, string sku, string orderNumber, int quantityOpen, string? eta) =>
            (response, eta) switch
            {
                (CustomerResponse.CancelledOpenQuantity, _) =>
                    $"you cancelled the open quantity ({Units(quantityOpen)}) of {productName} ({sku}) in order {orderNumber}. We will not ship it.",
                (_, null) =>
                    $"you agreed to wait for {productName} ({sku}) in order {orderNumber}. The new delivery date is not yet known; we will tell you as soon as we know it.",
                _ =>
                    $"you accepted the new delivery date of {productName} ({sku}) in order {orderNumber}: {eta}. We ship as soon as the goods are ready.",
            };

        public override string AnsweredBy(string who, string when) => $"Answered by {who} on {when}.";

        private static string Units(int quantity) => quantity == 1 ? "1 unit" : $"{quantity} units";

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

        protected override string FulfilmentSubject(int orderCount, string orders, bool shipped, bool cancelled) =>
            (shipped, cancelled, orderCount) switch
            {
                (true, false, 1) => $"shipment for order {orders}",
                (true, false, _) => $"shipments for orders {orders}",
                (false, true, 1) => $"quantity cancelled in order {orders}",
                (false, true, _) => $"quantities cancelled in orders {orders}",
                (_, _, 1) => $"shipment and cancellation for order {orders}",
                _ => $"shipments and cancellations for orders {orders}",
            };

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

        public override string Greeting(string? recipientName) => string.IsNullOrWhiteSpace(recipientName) ? "Guten Tag," : $"Guten Tag {recipientName.Trim()},";

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

        protected override string DigestIntro => "hier ist die heutige Übersicht.";

        protected override string ShippedIntro(int lineCount) => lineCount == 1
            ? "für eine Position Ihrer Bestellungen ist eine Sendung unterwegs."
            : $"für {lineCount} Positionen Ihrer Bestellungen sind Sendungen unterwegs.";

        protected override string CancelledIntro(int lineCount) => lineCount == 1
            ? "wir mussten offene Menge einer Position Ihrer Bestellungen stornieren. Wir bitten um Entschuldigung."
            : $"wir mussten offene Mengen von {lineCount} Positionen Ihrer Bestellungen stornieren. Wir bitten um Entschuldigung.";

        public override string AsOf(string dateTime) => $"Stand: {dateTime}";

        public override string Order(string orderNumber) => $"Auftrag {orderNumber}";

        public override string ViewOrder => "Auftrag ansehen";

        public override string Quantity(int quantity) => quantity == 0 ? "nichts mehr offen" : $"{quantity} Stück offen";

        public override string Promised => "Zugesagt";

        public override string PreviouslyExpected => "Bisher erwartet";

        public override string NowExpected => "Jetzt erwartet";

        public override string NotYetKnown => "noch nicht bekannt";

        public override string News(EmailLine line) => line.News switch
        {
            LineNews.Later => AgainstPromised(line.DaysLateAgainstPromised) ?? "Später als bisher erwartet",
            LineNews.Earlier => Joined("Gute Nachricht: früher als bisher erwartet", AgainstPromised(line.DaysLateAgainstPromised)),
            LineNews.DateNowKnown => Joined("Gute Nachricht: Der Termin steht jetzt fest", AgainstPromised(line.DaysLateAgainstPromised)),
            LineNews.DateNowUnknown => "Der neue Termin ist noch nicht bekannt",
            _ => "Überfällig – wir prüfen das",
        };

        protected override string? AgainstPromised(int? daysLate) => daysLate switch
        {
            null => null,
            0 => "zum zugesagten Termin",
            1 => "1 Tag später als zugesagt",
            -1 => "1 Tag früher als zugesagt",
            > 0 and var late => $"{late} Tage später als zugesagt",
            var early => $"{-early} Tage früher als zugesagt",
        };

        public override string Reason => "Grund";

        public override string RemainderExpected => "Rest erwartet";

        public override string Shipped(int quantity, string date) => $"Versandt: {quantity} Stück am {date}";

        public override string Carrier => "Versanddienstleister";

        public override string TrackingNumber => "Sendungsnummer";

        public override string Cancelled(int quantity) => $"Storniert: {quantity} Stück";

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

        public override string ConsentNeeded(EmailLine line) => line.NewEta is null
            ? "Ihre Entscheidung ist gefragt: Bitte teilen Sie uns mit, ob Sie warten möchten, bis wir den neuen Termin kennen, oder die offene Menge stornieren möchten."
            : "Ihre Entscheidung ist gefragt: Bitte teilen Sie uns mit, ob Sie den neuen Termin annehmen oder die offene Menge stornieren möchten.";

        public override string NoActionNeeded(EmailLine line) => line.News switch
        {
            LineNews.Later => "Wenn der neue Termin für Sie passt, müssen Sie nichts tun. Sie können die offene Menge auch stornieren.",
            _ => "Sie müssen jetzt nichts tun: Wir nennen Ihnen den neuen Termin, sobald wir ihn kennen. Sie können die offene Menge auch stornieren.",
        };

        public override string AcceptNewDate(EmailLine line) => line.NewEta is null ? "Warten" : "Neuen Termin annehmen";

        public override string CancelOpenQuantity => "Offene Menge stornieren";

        public override string MoreLines(int count) =>
            count == 1 ? "…und 1 weitere Position mit geändertem Termin. Sie finden sie im Portal." : $"…und {count.ToString("N0", System.Globalization.CultureInfo.GetCultureInfo("de-DE"))} weitere Positionen mit geänderten Terminen. Sie finden alle im Portal.";

        public override string WhatHappensNext => "Wie es weitergeht";

        public override string NextUpdate(EmailContent content) =>
            content.Lines.Any(l => l.NewEta is null && l.QuantityOpen > 0)
                ? "Wo der neue Termin noch nicht bekannt ist, schreiben wir Ihnen, sobald wir ihn kennen. Ansonsten hören Sie nur wieder von uns, wenn sich ein Termin ändert."
                : "Sie hören wieder von uns, wenn sich ein Termin ändert. Die aktuellen Termine sehen Sie jederzeit im Portal.";

        public override string NextDigest(string dateTime, string timeZone) => $"Ihre nächste tägliche Übersicht kommt am {dateTime} ({timeZone}), falls sich etwas ändert.";

        public override string OpenPortal => "Meine offenen Positionen";

        public override string SettingsHint(NotificationPreference preference) => preference switch
        {
            NotificationPreference.DailyDigest =>
                "Sie haben eine tägliche Übersicht gewählt, wenn sich Liefertermine ändern. In Ihren Benachrichtigungseinstellungen können Sie zu einer E-Mail bei jeder Änderung oder zu nur den Mitteilungen wechseln, die Ihre Entscheidung brauchen, und die Uhrzeit der Übersicht, die Empfänger, Sprache und Zeitzone dieser E-Mails wählen.",
            NotificationPreference.EssentialOnly =>
                "Sie haben gewählt, nur Mitteilungen zu erhalten, die Ihre Entscheidung brauchen. In Ihren Benachrichtigungseinstellungen können Sie zu einer E-Mail bei jeder Änderung oder zu einer täglichen Übersicht wechseln und die Empfänger, Sprache und Zeitzone dieser E-Mails wählen.",
            _ =>
                "Sie erhalten eine E-Mail, sobald sich ein Liefertermin Ihrer offenen Bestellungen ändert. In Ihren Benachrichtigungseinstellungen können Sie zu einer täglichen Übersicht oder zu nur den Mitteilungen wechseln, die Ihre Entscheidung brauchen, und die Empfänger, Sprache und Zeitzone dieser E-Mails wählen.",
        };

        public override string NotificationSettings => "Benachrichtigungseinstellungen";

        public override string AnswerSubject(CustomerResponse response, string orderNumber) => response == CustomerResponse.CancelledOpenQuantity
            ? $"Stornierung bestätigt: Auftrag {orderNumber}"
            : $"Ihre Antwort ist vermerkt: Auftrag {orderNumber}";

        public override string AnswerRecorded(CustomerResponse response, string productName, string sku, string orderNumber, int quantityOpen, string? eta) =>
            (response, eta) switch
            {
                (CustomerResponse.CancelledOpenQuantity, _) =>
                    $"Sie haben die offene Menge ({quantityOpen} Stück) von {productName} ({sku}) in Auftrag {orderNumber} storniert. Wir liefern sie nicht.",
                (_, null) =>
                    $"Sie warten auf {productName} ({sku}) in Auftrag {orderNumber}. Der neue Liefertermin ist noch nicht bekannt; wir nennen ihn Ihnen, sobald wir ihn kennen.",
                _ =>
                    $"Sie haben den neuen Liefertermin von {productName} ({sku}) in Auftrag {orderNumber} angenommen: {eta}. Wir liefern, sobald die Ware bereit ist.",
            };

        public override string AnsweredBy(string who, string when) => $"Beantwortet von {who} am {when}.";

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

        protected override string FulfilmentSubject(int orderCount, string orders, bool shipped, bool cancelled) =>
            (shipped, cancelled, orderCount) switch
            {
                (true, false, 1) => $"Versand zu Auftrag {orders}",
                (true, false, _) => $"Versand zu Aufträgen {orders}",
                (false, true, 1) => $"Stornierung in Auftrag {orders}",
                (false, true, _) => $"Stornierungen in Aufträgen {orders}",
                (_, _, 1) => $"Versand und Stornierung zu Auftrag {orders}",
                _ => $"Versand und Stornierungen zu Aufträgen {orders}",
            };

        protected override string DailyUpdatePrefix => "Tägliche Übersicht: ";

        protected override string ActionNeededPrefix => "Ihre Entscheidung ist gefragt: ";

        protected override string GoodNewsPrefix => "Gute Nachricht: ";

        protected override string And => "und";

        protected override string More(int count) => $"{count} weitere";
    }
}
