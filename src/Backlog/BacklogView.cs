using System.Globalization;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;

namespace BacklogPortal.Backlog;

/// <summary>
/// What the customer looks at on <c>/backlog</c>: filters, sort and page, exactly as they appear in the
/// address (<c>?q=&amp;kind=&amp;overdue=&amp;decision=&amp;sort=&amp;page=&amp;size=</c>), so that a reload, the back
/// button and a shared link show the same view. The page, the order page's link back and the CSV
/// export all read and write the view through this one record.
/// </summary>
/// <remarks>
/// Parsing is forgiving: a value that does not parse is ignored (the default applies) rather than
/// failing the page, because addresses are typed, bookmarked and mangled by mail clients.
/// Keys: <c>q</c> (text in order number, SKU or product), <c>kind</c> (<c>backorder</c> | <c>preOrder</c>),
/// <c>overdue=true</c>, <c>decision=awaiting</c>, <c>sort</c> (a <see cref="SortNames"/> value, with a
/// leading <c>-</c> for descending, e.g. <c>-order</c>), <c>page</c> (from 1), <c>size</c> (1–200).
/// </remarks>
public sealed record BacklogView
{
    public const string Path = "/backlog";

    public const int DefaultPageSize = 50;

    public const int MaxPageSize = 200;

    /// <summary>The page sizes the pager offers; any size from 1 to <see cref="MaxPageSize"/> works in an address.</summary>
    public static readonly IReadOnlyList<int> PageSizeChoices = [25, 50, 100];

    /// <summary>Free text: order number, SKU or product name.</summary>
    public string? Search { get; init; }

    public BacklogKind? Kind { get; init; }

    /// <summary>The expected date has passed.</summary>
    public bool OverdueOnly { get; init; }

    /// <summary>Lines waiting for the customer's answer to a delay (FTC consent).</summary>
    public bool AwaitingDecisionOnly { get; init; }

    public BacklogSort Sort { get; init; } = BacklogSort.Eta;

    public bool Descending { get; init; }

    /// <summary>From 1, as in the address.</summary>
    public int Page { get; init; } = 1;

    public int PageSize { get; init; } = DefaultPageSize;

    public bool HasFilters => !string.IsNullOrWhiteSpace(Search) || Kind is not null || OverdueOnly || AwaitingDecisionOnly;

    /// <summary>Rows skipped before this page.</summary>
    public int Skip => (Math.Max(Page, 1) - 1) * Math.Clamp(PageSize, 1, MaxPageSize);

    /// <summary>The same lines (filters), whatever the sort and page: the totals are the same.</summary>
    public bool SelectsSameLinesAs(BacklogView other) =>
        string.Equals(Search?.Trim(), other.Search?.Trim(), StringComparison.Ordinal) && Kind == other.Kind
        && OverdueOnly == other.OverdueOnly && AwaitingDecisionOnly == other.AwaitingDecisionOnly;

    /// <summary>The same filters and sort, back on the first page: what a changed filter or sort shows.</summary>
    public BacklogView FirstPage() => this with { Page = 1 };

    /// <summary>Sort by <paramref name="sort"/>; choosing the current column again flips the direction.</summary>
    public BacklogView SortedBy(BacklogSort sort) =>
        (this with { Sort = sort, Descending = sort == Sort && !Descending }).FirstPage();

    public static readonly IReadOnlyDictionary<BacklogSort, string> SortNames = new Dictionary<BacklogSort, string>
    {
        [BacklogSort.Eta] = "eta",
        [BacklogSort.OrderNumber] = "order",
        [BacklogSort.OrderDate] = "orderDate",
        [BacklogSort.Product] = "product",
        [BacklogSort.Kind] = "kind",
        [BacklogSort.OpenQuantity] = "open",
        [BacklogSort.PromisedDate] = "promised",
        [BacklogSort.DateMoved] = "moved",
        [BacklogSort.Status] = "status",
    };

    /// <summary>The link to <c>/backlog</c> showing this view.</summary>
    public string ToUrl() => Path + ToQueryString();

    /// <summary><c>?key=value&amp;…</c> with what differs from the default view, in a fixed order; empty for the default view.</summary>
    public string ToQueryString()
    {
        var pairs = new List<KeyValuePair<string, string?>>();
        void Add(string key, string value) => pairs.Add(new(key, value));
        if (!string.IsNullOrWhiteSpace(Search))
        {
            Add("q", Search.Trim());
        }
        if (Kind is { } kind)
        {
            Add("kind", QueryNames.Kind[kind]);
        }
        if (OverdueOnly)
        {
            Add("overdue", "true");
        }
        if (AwaitingDecisionOnly)
        {
            Add("decision", "awaiting");
        }
        if (Sort != BacklogSort.Eta || Descending)
        {
            Add("sort", (Descending ? "-" : "") + SortNames[Sort]);
        }
        if (Page > 1)
        {
            Add("page", Page.ToString(CultureInfo.InvariantCulture));
        }
        if (PageSize != DefaultPageSize)
        {
            Add("size", PageSize.ToString(CultureInfo.InvariantCulture));
        }
        return QueryString.Create(pairs).ToUriComponent();
    }

    /// <summary>The view of an address's query string (with or without the leading <c>?</c>).</summary>
    public static BacklogView FromQuery(string? queryString) => FromQuery(QueryHelpers.ParseQuery(queryString));

    /// <summary>The view of parsed query values (a request's <c>Request.Query</c> works too).</summary>
    public static BacklogView FromQuery(IEnumerable<KeyValuePair<string, StringValues>> query)
    {
        var values = query.ToDictionary(p => p.Key, p => p.Value.LastOrDefault(), StringComparer.OrdinalIgnoreCase);
        string? Value(string key) => values.TryGetValue(key, out var value) && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;

        var view = new BacklogView
        {
            Search = Value("q"),
            Kind = QueryNames.Kind.Parse(Value("kind")),
            OverdueOnly = string.Equals(Value("overdue"), "true", StringComparison.OrdinalIgnoreCase),
            AwaitingDecisionOnly = string.Equals(Value("decision"), "awaiting", StringComparison.OrdinalIgnoreCase),
        };
        if (Value("sort") is { } sortText)
        {
            var descending = sortText.StartsWith('-');
            var name = descending ? sortText[1..] : sortText;
            if (SortNames.Parse(name) is { } sort)
            {
                view = view with { Sort = sort, Descending = descending };
            }
        }
        if (PositiveNumber(Value("page")) is { } page)
        {
            view = view with { Page = page };
        }
        if (PositiveNumber(Value("size")) is { } size && size <= MaxPageSize)
        {
            view = view with { PageSize = size };
        }
        return view;
    }

    // Digits only (no sign, no thousands separator), and small enough that Skip cannot overflow.
    private static int? PositiveNumber(string? text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number is > 0 and <= 1_000_000 ? number : null;
}

/// <summary>The columns of <c>/backlog</c>; every one sorts.</summary>
public enum BacklogSort
{
    Eta,
    OrderNumber,
    OrderDate,
    Product,
    Kind,
    OpenQuantity,
    PromisedDate,
    DateMoved,
    Status,
}
