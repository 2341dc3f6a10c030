using System.Globalization;
using System.Text;
using BacklogPortal.Data;
using Microsoft.AspNetCore.WebUtilities;

namespace BacklogPortal.Staff;

/// <summary>
/// The filters of <c>/staff/lines</c> as they appear in its query string: the dashboard links every
/// figure to exactly the lines behind it with these names, and the lines page reads them back.
/// Parsing is forgiving — a value that does not parse is ignored rather than failing the page —
/// because the query string is typed, bookmarked and edited by people.
/// </summary>
/// <remarks>
/// Query keys: <c>customer</c> (customer number, exact), <c>order</c> (order number, exact),
/// <c>sku</c> (exact), <c>kind</c> (<c>backorder</c> | <c>preOrder</c>), <c>status</c> (see
/// <see cref="StaffLineStatusFilter"/>; absent means open), <c>overdue=true</c>,
/// <c>decision=awaiting</c>, <c>etaFrom</c> / <c>etaTo</c> (yyyy-MM-dd, inclusive), <c>ageFrom</c> /
/// <c>ageTo</c> (days since the order date, inclusive), <c>slipFrom</c> (days from the promised date to
/// the current ETA, at least), <c>q</c> (text in order number, SKU, product or customer name),
/// <c>answer</c> (<c>accepted</c> | <c>cancelled</c>) with <c>answeredFrom</c> (yyyy-MM-dd, UTC day),
/// and <c>source</c> (<c>staff</c> | <c>import</c> | <c>api</c>) with <c>changedFrom</c> / <c>changedTo</c>
/// (yyyy-MM-dd, UTC days, inclusive): lines with at least one ETA change from that source in that period.
/// </remarks>
public sealed record StaffLinesFilter
{
    public const string Path = "/staff/lines";

    /// <summary>Customer number (exact).</summary>
    public string? Customer { get; init; }

    /// <summary>Order number (exact).</summary>
    public string? Order { get; init; }

    /// <summary>SKU (exact).</summary>
    public string? Sku { get; init; }

    public BacklogKind? Kind { get; init; }

    /// <summary>Null means <see cref="StaffLineStatusFilter.Open"/>: the open backlog.</summary>
    public StaffLineStatusFilter? Status { get; init; }

    /// <summary>ETA passed and not shipped.</summary>
    public bool Overdue { get; init; }

    /// <summary>The customer must expressly accept the current delay and has not answered yet.</summary>
    public bool AwaitingDecision { get; init; }

    public DateOnly? EtaFrom { get; init; }

    public DateOnly? EtaTo { get; init; }

    /// <summary>Days since the order date, at least (inclusive).</summary>
    public int? AgeFrom { get; init; }

    /// <summary>Days since the order date, at most (inclusive).</summary>
    public int? AgeTo { get; init; }

    /// <summary>Days from the promised date to the current ETA, at least; lines without either date never match.</summary>
    public int? SlipFrom { get; init; }

    /// <summary>Free text: order number, SKU, product name or customer name contain it.</summary>
    public string? Q { get; init; }

    /// <summary>The customer's recorded answer to a delay.</summary>
    public CustomerResponse? Answer { get; init; }

    /// <summary>The answer was recorded on this UTC day or later.</summary>
    public DateOnly? AnsweredFrom { get; init; }

    /// <summary>Lines with at least one ETA change from this source (in the <see cref="ChangedFrom"/>–<see cref="ChangedTo"/> period).</summary>
    public ChangeSource? Source { get; init; }

    public DateOnly? ChangedFrom { get; init; }

    public DateOnly? ChangedTo { get; init; }

    /// <summary>No filter beyond the default (open lines).</summary>
    public bool IsEmpty => this == new StaffLinesFilter();

    /// <summary>The link to <c>/staff/lines</c> with these filters.</summary>
    public string ToUrl() => Path + ToQueryString();

    /// <summary><c>?key=value&amp;…</c> with the set filters in a fixed order, or an empty string.</summary>
    public string ToQueryString()
    {
        var pairs = new List<(string Key, string Value)>();
        Add(pairs, "customer", Customer);
        Add(pairs, "order", Order);
        Add(pairs, "sku", Sku);
        Add(pairs, "kind", Kind is { } kind ? QueryNames.Kind[kind] : null);
        Add(pairs, "status", Status is { } status ? StatusNames[status] : null);
        Add(pairs, "overdue", Overdue ? "true" : null);
        Add(pairs, "decision", AwaitingDecision ? "awaiting" : null);
        Add(pairs, "etaFrom", Format(EtaFrom));
        Add(pairs, "etaTo", Format(EtaTo));
        Add(pairs, "ageFrom", Format(AgeFrom));
        Add(pairs, "ageTo", Format(AgeTo));
        Add(pairs, "slipFrom", Format(SlipFrom));
        Add(pairs, "q", Q);
        Add(pairs, "answer", Answer is { } answer && AnswerNames.TryGetValue(answer, out var answerName) ? answerName : null);
        Add(pairs, "answeredFrom", Format(AnsweredFrom));
        Add(pairs, "source", Source is { } source && SourceNames.TryGetValue(source, out var sourceName) ? sourceName : null);
        Add(pairs, "changedFrom", Format(ChangedFrom));
        Add(pairs, "changedTo", Format(ChangedTo));
        if (pairs.Count == 0)
        {
            return "";
        }
        var text = new StringBuilder();
        foreach (var (key, value) in pairs)
        {
            text.Append(text.Length == 0 ? '?' : '&').Append(key).Append('=').Append(Uri.EscapeDataString(value));
        }
        return text.ToString();
    }

    /// <summary>
    /// The lines these filters select, as one translatable query: the lines page and every dashboard
    /// drill-down read the same definition of each key.
    /// </summary>
    public IQueryable<OrderLine> Apply(IQueryable<OrderLine> lines, PortalDbContext db, DateOnly today)
    {
        lines = (Status ?? StaffLineStatusFilter.Open) switch
        {
            StaffLineStatusFilter.Open => lines.Where(LineRules.IsOpen),
            StaffLineStatusFilter.PartiallyShipped => lines.Where(l => l.Status == LineStatus.PartiallyShipped),
            StaffLineStatusFilter.Shipped => lines.Where(l => l.Status == LineStatus.Shipped),
            StaffLineStatusFilter.Cancelled => lines.Where(l => l.Status == LineStatus.Cancelled),
            StaffLineStatusFilter.Answered => lines.Where(l => l.CustomerResponse != CustomerResponse.None),
            _ => lines,
        };
        if (Customer is { } customer)
        {
            var customerIds = db.Customers.Where(c => c.Number == customer).Select(c => c.Id);
            lines = lines.Where(l => customerIds.Contains(l.CustomerId));
        }
        if (Order is { } order)
        {
            var orderIds = db.Orders.Where(o => o.OrderNumber == order).Select(o => o.Id);
            lines = lines.Where(l => orderIds.Contains(l.OrderId));
        }
        if (Sku is { } sku)
        {
            var productIds = db.Products.Where(p => p.Sku == sku).Select(p => p.Id);
            lines = lines.Where(l => productIds.Contains(l.ProductId));
        }
        if (Kind is { } kind)
        {
            lines = lines.Where(l => l.Kind == kind);
        }
        if (Overdue)
        {
            lines = lines.Where(LineRules.IsOpen).Where(LineRules.IsOverdueOn(today));
        }
        if (AwaitingDecision)
        {
            lines = lines.Where(LineRules.AwaitsDecision);
        }
        if (EtaFrom is { } etaFrom)
        {
            lines = lines.Where(l => l.Eta >= etaFrom);
        }
        if (EtaTo is { } etaTo)
        {
            lines = lines.Where(l => l.Eta <= etaTo);
        }
        if (AgeFrom is { } ageFrom)
        {
            var orderedOnOrBefore = today.AddDays(-ageFrom);
            lines = lines.Where(l => l.Order!.OrderDate <= orderedOnOrBefore);
        }
        if (AgeTo is { } ageTo)
        {
            var orderedOnOrAfter = today.AddDays(-ageTo);
            lines = lines.Where(l => l.Order!.OrderDate >= orderedOnOrAfter);
        }
        if (SlipFrom is { } slipFrom)
        {
            lines = lines.Where(l => l.PromisedDate != null && l.Eta != null && l.Eta >= l.PromisedDate.Value.AddDays(slipFrom));
        }
        if (Q is { } q)
        {
            lines = lines.Where(TextSearch.AnyContains<OrderLine>(q,
                l => l.Order!.OrderNumber, l => l.Product!.Sku, l => l.Product!.Name, l => l.Order!.Customer!.Name));
        }
        if (Answer is { } answer)
        {
            lines = lines.Where(l => l.CustomerResponse == answer);
        }
        if (AnsweredFrom is { } answeredFrom)
        {
            var since = StartOfUtcDay(answeredFrom);
            lines = lines.Where(l => l.CustomerRespondedAt >= since);
        }
        if (Source is not null || ChangedFrom is not null || ChangedTo is not null)
        {
            var changes = db.EtaChanges.AsQueryable();
            if (Source is { } source)
            {
                changes = changes.Where(c => c.Source == source);
            }
            if (ChangedFrom is { } changedFrom)
            {
                var since = StartOfUtcDay(changedFrom);
                changes = changes.Where(c => c.ChangedAt >= since);
            }
            if (ChangedTo is { } changedTo)
            {
                var before = StartOfUtcDay(changedTo.AddDays(1));
                changes = changes.Where(c => c.ChangedAt < before);
            }
            lines = lines.Where(l => changes.Any(c => c.OrderLineId == l.Id));
        }
        return lines;
    }

    public static DateTimeOffset StartOfUtcDay(DateOnly day) => new(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);

    /// <summary>Reads a query string (with or without the leading <c>?</c>); unknown keys and values that do not parse are ignored.</summary>
    public static StaffLinesFilter Parse(string? query)
    {
        var values = QueryHelpers.ParseQuery(query);
        string? Text(string key) => values.TryGetValue(key, out var value) && !string.IsNullOrWhiteSpace(value.ToString())
            ? value.ToString().Trim()
            : null;

        return new StaffLinesFilter
        {
            Customer = Text("customer"),
            Order = Text("order"),
            Sku = Text("sku"),
            Kind = QueryNames.Kind.Parse(Text("kind")),
            Status = StatusNames.Parse(Text("status")),
            Overdue = string.Equals(Text("overdue"), "true", StringComparison.OrdinalIgnoreCase),
            AwaitingDecision = string.Equals(Text("decision"), "awaiting", StringComparison.OrdinalIgnoreCase),
            EtaFrom = ParseDate(Text("etaFrom")),
            EtaTo = ParseDate(Text("etaTo")),
            AgeFrom = ParseDays(Text("ageFrom")),
            AgeTo = ParseDays(Text("ageTo")),
            SlipFrom = ParseDays(Text("slipFrom"), allowNegative: true),
            Q = Text("q"),
            Answer = AnswerNames.Parse(Text("answer")),
            AnsweredFrom = ParseDate(Text("answeredFrom")),
            Source = SourceNames.Parse(Text("source")),
            ChangedFrom = ParseDate(Text("changedFrom")),
            ChangedTo = ParseDate(Text("changedTo")),
        };
    }

    private const int MaxDays = 100_000;

    private static readonly IReadOnlyDictionary<StaffLineStatusFilter, string> StatusNames = new Dictionary<StaffLineStatusFilter, string>
    {
        [StaffLineStatusFilter.Open] = "open",
        [StaffLineStatusFilter.PartiallyShipped] = "partiallyShipped",
        [StaffLineStatusFilter.Shipped] = "shipped",
        [StaffLineStatusFilter.Cancelled] = "cancelled",
        [StaffLineStatusFilter.Answered] = "answered",
        [StaffLineStatusFilter.All] = "all",
    };

    private static readonly IReadOnlyDictionary<CustomerResponse, string> AnswerNames = new Dictionary<CustomerResponse, string>
    {
        [CustomerResponse.AcceptedNewDate] = "accepted",
        [CustomerResponse.CancelledOpenQuantity] = "cancelled",
    };

    private static readonly IReadOnlyDictionary<ChangeSource, string> SourceNames = new Dictionary<ChangeSource, string>
    {
        [ChangeSource.Staff] = "staff",
        [ChangeSource.Import] = "import",
        [ChangeSource.Api] = "api",
    };

    private static DateOnly? ParseDate(string? text) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) ? date : null;

    private static int? ParseDays(string? text, bool allowNegative = false) =>
        int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var days)
        && Math.Abs(days) <= MaxDays && (allowNegative || days >= 0)
            ? days
            : null;

    private static string? Format(DateOnly? date) => date?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string? Format(int? days) => days?.ToString(CultureInfo.InvariantCulture);

    private static void Add(List<(string, string)> pairs, string key, string? value)
    {
        if (!string.IsNullOrWhiteSpace(value))
        {
            pairs.Add((key, value.Trim()));
        }
    }
}

/// <summary>The <c>status</c> filter of <c>/staff/lines</c>.</summary>
public enum StaffLineStatusFilter
{
    /// <summary>The open backlog: open or partly shipped (<c>status=open</c>, also when absent).</summary>
    Open,

    /// <summary>Partly shipped, the rest still open.</summary>
    PartiallyShipped,

    Shipped,

    Cancelled,

    /// <summary>Lines the customer answered (accepted or cancelled), whatever their status now.</summary>
    Answered,

    /// <summary>Every line, whatever its status (<c>status=all</c>).</summary>
    All,
}
